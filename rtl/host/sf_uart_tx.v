// sf_uart_tx: UART transmitter, 8N1, LSB first, CLKS_PER_BIT clocks per bit. Registered output.
// Stream in: i_valid/o_ready/i_data; o_ready is high while idle (one byte in flight at a time).
`default_nettype none
module sf_uart_tx #(
  parameter integer CLKS_PER_BIT = 868
) (
  input  wire       i_clk,
  input  wire       i_rst,
  input  wire       i_valid,
  output wire       o_ready,
  input  wire [7:0] i_data,
  output reg        o_tx
);
  localparam integer CW = $clog2(CLKS_PER_BIT + 1);
  localparam integer LAST_I = CLKS_PER_BIT - 1;
  localparam [CW-1:0] LAST = LAST_I[CW-1:0];

  reg [8:0]    sh;     // data bits then the stop bit
  reg [3:0]    nbits;  // bits left to send, including the one on the line
  reg [CW-1:0] cnt;
  assign o_ready = (nbits == 4'd0);

  always @(posedge i_clk) begin
    if (i_rst) begin
      o_tx  <= 1'b1;
      sh    <= 9'h1FF;
      nbits <= 4'd0;
      cnt   <= {CW{1'b0}};
    end else if (nbits == 4'd0) begin
      if (i_valid) begin
        o_tx  <= 1'b0;  // start bit
        sh    <= {1'b1, i_data};
        nbits <= 4'd10;
        cnt   <= {CW{1'b0}};
      end
    end else if (cnt == LAST) begin
      cnt   <= {CW{1'b0}};
      nbits <= nbits - 4'd1;
      if (nbits != 4'd1) begin
        o_tx <= sh[0];
        sh   <= {1'b1, sh[8:1]};
      end
    end else cnt <= cnt + {{(CW-1){1'b0}}, 1'b1};
  end
endmodule
`default_nettype wire
