// sf_frame_tx: the frame transmitter of the host protocol. A header (type, length) handshake, then exactly
// `length` payload bytes as a valid/ready stream; out comes SOF, TYPE, LEN_LO, LEN_HI, payload, CRC_HI,
// CRC_LO as a byte stream (to sf_uart_tx). The CRC (sf_crc16) runs over TYPE, LEN and the payload.
`default_nettype none
`include "sf_host_spec.vh"
module sf_frame_tx (
  input  wire        i_clk,
  input  wire        i_rst,
  input  wire        i_hdr_valid,
  output wire        o_hdr_ready,
  input  wire [7:0]  i_type,
  input  wire [15:0] i_len,
  input  wire        i_pl_valid,
  output wire        o_pl_ready,
  input  wire [7:0]  i_pl_data,
  output wire        o_valid,
  input  wire        i_ready,
  output reg  [7:0]  o_data
);
  localparam [2:0] S_IDLE = 3'd0, S_SOF = 3'd1, S_TYPE = 3'd2, S_LEN0 = 3'd3, S_LEN1 = 3'd4, S_PAY = 3'd5,
                   S_CRC0 = 3'd6, S_CRC1 = 3'd7;
  reg [2:0]  state;
  reg [7:0]  typ;
  reg [15:0] len, cnt, crc;
  wire [15:0] crc_next;
  sf_crc16 u_crc (.i_crc(crc), .i_data(o_data), .o_crc(crc_next));

  assign o_hdr_ready = state == S_IDLE;
  assign o_valid     = state == S_PAY ? i_pl_valid : state != S_IDLE;
  assign o_pl_ready  = state == S_PAY && i_ready;

  always @* begin
    case (state)
      S_SOF:   o_data = `SF_HOST_SOF;
      S_TYPE:  o_data = typ;
      S_LEN0:  o_data = len[7:0];
      S_LEN1:  o_data = len[15:8];
      S_PAY:   o_data = i_pl_data;
      S_CRC0:  o_data = crc[15:8];
      S_CRC1:  o_data = crc[7:0];
      default: o_data = 8'h00;
    endcase
  end

  always @(posedge i_clk) begin
    if (i_rst) begin
      state <= S_IDLE;
      typ <= 8'd0;
      len <= 16'd0;
      cnt <= 16'd0;
      crc <= `SF_HOST_CRC_INIT;
    end else if (state == S_IDLE) begin
      if (i_hdr_valid) begin
        typ <= i_type;
        len <= i_len;
        crc <= `SF_HOST_CRC_INIT;
        cnt <= 16'd0;
        state <= S_SOF;
      end
    end else if (o_valid && i_ready) begin
      if (state == S_TYPE || state == S_LEN0 || state == S_LEN1 || state == S_PAY) crc <= crc_next;
      case (state)
        S_SOF:  state <= S_TYPE;
        S_TYPE: state <= S_LEN0;
        S_LEN0: state <= S_LEN1;
        S_LEN1: state <= (len == 16'd0) ? S_CRC0 : S_PAY;
        S_PAY: begin
          cnt <= cnt + 16'd1;
          if (cnt == len - 16'd1) state <= S_CRC0;
        end
        S_CRC0: state <= S_CRC1;
        default: state <= S_IDLE;  // S_CRC1
      endcase
    end
  end
endmodule
`default_nettype wire
