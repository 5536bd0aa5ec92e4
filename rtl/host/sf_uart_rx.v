// sf_uart_rx: UART receiver, 8N1, LSB first, CLKS_PER_BIT clocks per bit.
// Stages: 2-FF synchronizer -> start bit confirmed at its middle (a shorter low pulse is a glitch, ignored)
// -> 8 data bits sampled at their middles -> stop bit sampled at its middle: 1 gives o_valid with o_data
// (one-cycle pulse), 0 gives o_err (framing error; a break is one) and the receiver then waits for the
// line to go high before it looks for the next start bit, so a long break gives exactly one o_err.
// No back-pressure (a UART cannot be stalled): the consumer takes o_data in the o_valid cycle.
`default_nettype none
module sf_uart_rx #(
  parameter integer CLKS_PER_BIT = 868
) (
  input  wire       i_clk,
  input  wire       i_rst,
  input  wire       i_rx,
  output reg        o_valid,
  output reg  [7:0] o_data,
  output reg        o_err
);
  localparam integer CW = $clog2(CLKS_PER_BIT + 1);
  localparam integer LAST_I = CLKS_PER_BIT - 1;
  localparam [CW-1:0] LAST = LAST_I[CW-1:0];
  localparam integer HALF_I = CLKS_PER_BIT / 2 - 1;
  localparam [CW-1:0] HALF = HALF_I[CW-1:0];
  localparam [2:0] S_IDLE = 3'd0, S_START = 3'd1, S_DATA = 3'd2, S_STOP = 3'd3, S_WAIT_HIGH = 3'd4;

  reg [1:0] sync;  // i_rx is asynchronous to i_clk
  always @(posedge i_clk) begin
    if (i_rst) sync <= 2'b11;
    else sync <= {sync[0], i_rx};
  end
  wire rx = sync[1];

  reg [2:0]    state;
  reg [CW-1:0] cnt;
  reg [2:0]    nbit;
  reg [7:0]    sh;
  always @(posedge i_clk) begin
    o_valid <= 1'b0;
    o_err   <= 1'b0;
    if (i_rst) begin
      state  <= S_WAIT_HIGH;  // a line held low through reset is not a byte
      cnt    <= {CW{1'b0}};
      nbit   <= 3'd0;
      sh     <= 8'd0;
      o_data <= 8'd0;
    end else begin
      case (state)
        S_IDLE:
          if (!rx) begin
            state <= S_START;
            cnt   <= {CW{1'b0}};
          end
        S_START:
          if (cnt == HALF) begin
            cnt   <= {CW{1'b0}};
            nbit  <= 3'd0;
            state <= rx ? S_IDLE : S_DATA;
          end else cnt <= cnt + {{(CW-1){1'b0}}, 1'b1};
        S_DATA:
          if (cnt == LAST) begin
            cnt  <= {CW{1'b0}};
            sh   <= {rx, sh[7:1]};
            nbit <= nbit + 3'd1;
            if (nbit == 3'd7) state <= S_STOP;
          end else cnt <= cnt + {{(CW-1){1'b0}}, 1'b1};
        S_STOP:
          if (cnt == LAST) begin
            cnt <= {CW{1'b0}};
            if (rx) begin
              o_valid <= 1'b1;
              o_data  <= sh;
              state   <= S_IDLE;
            end else begin
              o_err <= 1'b1;
              state <= S_WAIT_HIGH;
            end
          end else cnt <= cnt + {{(CW-1){1'b0}}, 1'b1};
        default:  // S_WAIT_HIGH
          if (rx) state <= S_IDLE;
      endcase
    end
  end
endmodule
`default_nettype wire
