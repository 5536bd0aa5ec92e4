// sf_host_test_responder: a TEST RESPONDER standing in for the accelerator core behind sf_host_if, so the
// host protocol can be tested end to end. It is not a core and computes nothing useful:
//   the "forecast" of a window is the window's readings in reverse order (same count);
//   memory writes are always accepted and only summed: o_core_status = sum of (data + addr + (id << 16))
//   over every write, modulo 2^32 (reported by STATUS_INFO so a test can check the writes arrived).
// Window storage: N_MAX x 16 bits with a registered read (block RAM); readings beyond N_MAX are dropped.
`default_nettype none
`include "sf_host_spec.vh"
module sf_host_test_responder #(
  parameter integer N_MAX = `SF_HOST_MAX_PAYLOAD / 2,
  parameter integer NW    = $clog2(N_MAX + 1)
) (
  input  wire        i_clk,
  input  wire        i_rst,
  input  wire        i_win_valid,
  output wire        o_win_ready,
  input  wire [15:0] i_win_data,
  input  wire        i_win_last,
  input  wire        i_start_valid,
  output wire        o_start_ready,
  output wire        o_fc_valid,
  input  wire        i_fc_ready,
  output wire [15:0] o_fc_data,
  output wire        o_fc_last,
  input  wire        i_mw_valid,
  output wire        o_mw_ready,
  input  wire [7:0]  i_mw_id,
  input  wire [15:0] i_mw_addr,
  input  wire [31:0] i_mw_data,
  output reg  [31:0] o_core_status,
  output wire [7:0]  o_core_id
);
  localparam [1:0] R_LOAD = 2'd0, R_RD = 2'd1, R_OUT = 2'd2;
  localparam [NW-1:0] NMAX = N_MAX[NW-1:0];
  reg [15:0]   mem[0:N_MAX-1];
  reg [15:0]   rdata;
  reg [1:0]    state;
  reg [NW-1:0] n, k;  // n readings stored; k: the next one to send, counting down

  assign o_win_ready   = state == R_LOAD;
  assign o_start_ready = state == R_LOAD;
  assign o_fc_valid    = state == R_OUT;
  assign o_fc_data     = rdata;
  assign o_fc_last     = k == {NW{1'b0}};
  assign o_mw_ready    = 1'b1;
  assign o_core_id     = `SF_HOST_CORE_TEST_RESPONDER;

  wire [NW-1:0] raddr = k;
  always @(posedge i_clk) begin
    if (i_win_valid && o_win_ready && n < NMAX) mem[n[$clog2(N_MAX)-1:0]] <= i_win_data;
    rdata <= mem[raddr[$clog2(N_MAX)-1:0]];
  end

  always @(posedge i_clk) begin
    if (i_rst) begin
      state <= R_LOAD;
      n <= {NW{1'b0}};
      k <= {NW{1'b0}};
      o_core_status <= 32'd0;
    end else begin
      if (i_mw_valid) o_core_status <= o_core_status + i_mw_data + {16'd0, i_mw_addr} + {8'd0, i_mw_id, 16'd0};
      case (state)
        R_LOAD:
          if (i_start_valid) begin
            if (n == {NW{1'b0}}) state <= R_LOAD;  // empty window: nothing to send (never sent by sf_host_if)
            else begin
              k <= n - 1'b1;
              state <= R_RD;
            end
          end else if (i_win_valid && n < NMAX) n <= n + 1'b1;
        R_RD: state <= R_OUT;
        default:  // R_OUT
          if (i_fc_ready) begin
            if (o_fc_last) begin
              n <= {NW{1'b0}};
              state <= R_LOAD;
            end else begin
              k <= k - 1'b1;
              state <= R_RD;
            end
          end
      endcase
    end
  end

  wire unused_ok = &{1'b0, i_win_last, raddr};  // i_win_last: the count is n; raddr's top bit when N_MAX is a power of two
endmodule
`default_nettype wire
