// sf_core_adapter: the accelerator core (rtl/sf_core.v) behind the host interface (sf_host_if's core-side
// streams, the ports sf_host_test_responder has). docs/host_protocol.md "The core behind the interface".
//   memory writes  o_mw_* -> the core's host write port (ids PROG 0, WMEM 1, PMEM 2, BMEM 3 as in
//                  spec/isa.toml host_id; registered, one word per cycle, accepted only while no forecast runs)
//   readings       o_win_* -> the core's raw window buffer IBUF at addresses 0, 1, ... (int16 Q10.6); more
//                  than IB_DEPTH readings: the frame is answered ERROR WINDOW_SIZE and the core is not started
//   start          -> i_start (one cycle); then wait for o_done, o_error (program header refused: ERROR CORE) or
//                  TIMEOUT_CYCLES cycles (ERROR CORE_TIMEOUT; the core is reset, its memories keep their contents)
//   forecast       OBUF[0 .. n-1], n = 1 + the highest OBUF address the core wrote during this run (its forecast
//                  write port), each int32 Q10.6 (head output + last reading) saturated to int16 for the wire;
//                  a run that wrote no forecast value is answered ERROR CORE
//   status         o_core_status = {last fault code, faults (saturating at 255), forecasts served (16 bits,
//                  wrapping)}; o_core_id = SF_CORE + the build id (spec/isa.toml [[build]]: 0x01 full, 0x02 lite)
`default_nettype none
`include "sf_host_spec.vh"
`include "sf_isa.vh"
module sf_core_adapter #(
  parameter integer TIMEOUT_CYCLES = 1_048_576,  // from i_start; the default forecast takes 21,599 cycles
  parameter integer IB_DEPTH       = 64,         // spec/isa.toml IBUF depth (the core's i_ib_addr: 6 bits)
  parameter integer OB_DEPTH       = 64          // spec/isa.toml OBUF depth (the core's i_ob_addr: 6 bits)
) (
  input  wire        i_clk,
  input  wire        i_rst,
  // host side (sf_host_if)
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
  output wire        o_fc_err,
  output reg  [7:0]  o_fc_err_code,
  input  wire        i_mw_valid,
  output wire        o_mw_ready,
  input  wire [7:0]  i_mw_id,
  input  wire [15:0] i_mw_addr,
  input  wire [31:0] i_mw_data,
  output wire [31:0] o_core_status,
  output wire [7:0]  o_core_id,
  // core side (sf_core)
  output wire        o_core_rst,
  output reg         o_hw_valid,
  output reg  [7:0]  o_hw_mem,
  output reg  [15:0] o_hw_addr,
  output reg  [31:0] o_hw_data,
  output reg         o_ib_valid,
  output reg  [5:0]  o_ib_addr,
  output reg  [15:0] o_ib_data,
  output wire [5:0]  o_ob_addr,
  input  wire [31:0] i_ob_data,
  output wire        o_start,
  input  wire        i_run,
  input  wire        i_done,
  input  wire        i_error,
  input  wire        i_ob_wvalid,  // the core's forecast writes (o_dbg_obv, o_dbg_oba)
  input  wire [7:0]  i_ob_waddr
);
  localparam [2:0] A_LOAD = 3'd0, A_START = 3'd1, A_RUN = 3'd2, A_RD = 3'd3, A_OUT = 3'd4, A_ERR = 3'd5,
                   A_SAT = 3'd6;
  localparam integer TW = $clog2(TIMEOUT_CYCLES + 1);
  localparam [TW-1:0] TMAX = TIMEOUT_CYCLES[TW-1:0];
  localparam [6:0] IBD = IB_DEPTH[6:0];

  reg [2:0]    state;
  reg [6:0]    n;         // readings received (saturates at IB_DEPTH + 1)
  reg [6:0]    nfc;       // forecast values written by the core in this run
  reg [5:0]    h;         // forecast value being sent
  reg [TW-1:0] timer;
  reg          kill;      // resets the core after a timeout
  reg [15:0]   served;
  reg [31:0]   fc_q;      // the forecast value being sent (the core's int32, registered)
  reg [7:0]    faults, last_fault;

  assign o_win_ready   = state == A_LOAD;
  assign o_start_ready = state == A_LOAD;
  assign o_mw_ready    = state == A_LOAD;
  assign o_start       = state == A_START;
  // the core's reset, registered (timing: kill / i_rst -> the core's reset fan-out -> its datapaths was the
  // 100 MHz critical path); the core leaves reset a cycle after the adapter, a kill resets it a cycle later
  reg core_rst = 1'b1;
  always @(posedge i_clk) core_rst <= i_rst || kill;
  assign o_core_rst    = core_rst;
  assign o_ob_addr     = h;
  assign o_fc_valid    = state == A_OUT;
  assign o_fc_last     = {1'b0, h} == nfc - 7'd1;
  assign o_fc_err      = state == A_ERR;
  // int32 Q10.6 -> int16, saturating; from a register (A_SAT) so that the forecast memory's read data reaches
  // only a register (timing, docs/ecp5_flow.md)
  wire sat_hi = !fc_q[31] && fc_q[30:15] != 16'h0000;
  wire sat_lo = fc_q[31] && fc_q[30:15] != 16'hFFFF;
  assign o_fc_data     = sat_hi ? 16'h7FFF : (sat_lo ? 16'h8000 : fc_q[15:0]);
  assign o_core_status = {last_fault, faults, served};
  // the core id names the build (spec/host_protocol.toml [[core]] SF_CORE): SF_CORE + spec/isa.toml build id
  localparam integer CORE_ID_I = {24'd0, `SF_HOST_CORE_SF_CORE} + `SF_ISA_BUILD_ID;
  localparam [7:0]   CORE_ID   = CORE_ID_I[7:0];
  assign o_core_id     = CORE_ID;

  task automatic fault(input [7:0] code);
    begin
      o_fc_err_code <= code;
      last_fault <= code;
      if (faults != 8'hFF) faults <= faults + 8'd1;
      state <= A_ERR;
    end
  endtask

  always @(posedge i_clk) begin
    o_hw_valid <= i_mw_valid && state == A_LOAD;
    o_hw_mem <= i_mw_id;
    o_hw_addr <= i_mw_addr;
    o_hw_data <= i_mw_data;
    o_ib_valid <= i_win_valid && state == A_LOAD && n < IBD;
    o_ib_addr <= n[5:0];
    o_ib_data <= i_win_data;
    kill <= 1'b0;
    if (i_rst) begin
      state <= A_LOAD;
      n <= 7'd0;
      nfc <= 7'd0;
      h <= 6'd0;
      timer <= {TW{1'b0}};
      served <= 16'd0;
      faults <= 8'd0;
      last_fault <= 8'd0;
      o_fc_err_code <= 8'd0;
      o_hw_valid <= 1'b0;
      o_ib_valid <= 1'b0;
    end else begin
      case (state)
        A_LOAD:
          if (i_start_valid) begin
            timer <= {TW{1'b0}};
            nfc <= 7'd0;
            h <= 6'd0;
            if (n > IBD) fault(`SF_HOST_E_WINDOW_SIZE);
            else state <= A_START;
          end else if (i_win_valid && n <= IBD) n <= n + 7'd1;
        A_START: state <= A_RUN;
        A_RUN: begin
          timer <= timer + 1'b1;
          if (i_ob_wvalid && {1'b0, i_ob_waddr[5:0]} >= nfc) nfc <= {1'b0, i_ob_waddr[5:0]} + 7'd1;
          if (i_done) begin
            if (nfc == 7'd0 && !i_ob_wvalid) fault(`SF_HOST_E_CORE);
            else state <= A_RD;
          end else if (i_error) fault(`SF_HOST_E_CORE);
          else if (timer == TMAX) begin
            kill <= 1'b1;
            fault(`SF_HOST_E_CORE_TIMEOUT);
          end
        end
        A_RD: state <= A_SAT;  // o_ob_addr = h; the core's registered read is there next cycle
        A_SAT: begin
          fc_q <= i_ob_data;
          state <= A_OUT;
        end
        A_OUT:
          if (i_fc_ready) begin
            if (o_fc_last) begin
              n <= 7'd0;
              served <= served + 16'd1;
              state <= A_LOAD;
            end else begin
              h <= h + 6'd1;
              state <= A_RD;
            end
          end
        default:  // A_ERR: the ERROR reply is taken under i_fc_ready
          if (i_fc_ready) begin
            n <= 7'd0;
            state <= A_LOAD;
          end
      endcase
    end
  end

  wire unused_ok = &{1'b0, i_win_last, i_run, i_ob_waddr[7:6], OB_DEPTH[0]};
endmodule
`default_nettype wire
