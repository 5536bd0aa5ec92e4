// sf_host_top: the host interface (sf_host_if) with, behind it, either the accelerator core (CORE = 1:
// sf_core_adapter + sf_core) or the TEST RESPONDER (CORE = 0, the default: sf_host_test_responder, which
// the protocol tests use). Board-independent: the board tops in synth/boards/ add the
// PLL (sf_pll), the reset synchronizer (sf_reset_sync) and the pins.
// o_led: [0] heartbeat, [1] UART byte received (stretched), [2] good frame (toggles), [3] error reply (toggles).
`default_nettype none
`include "sf_host_spec.vh"
module sf_host_top #(
  parameter integer CLK_HZ = 100_000_000,
  parameter integer BAUD   = `SF_HOST_DEFAULT_BAUD,
  parameter integer CORE   = 0,          // 0: the test responder, 1: the accelerator core (sf_core_adapter + sf_core)
  parameter integer CORE_TIMEOUT = 1_048_576  // cycles a forecast may take before ERROR CORE_TIMEOUT
) (
  input  wire       i_clk,
  input  wire       i_rst,
  input  wire       i_uart_rx,
  output wire       o_uart_tx,
  output wire [3:0] o_led
);
  localparam integer CLKS_PER_BIT = (CLK_HZ + BAUD / 2) / BAUD;

  wire        win_valid, win_ready, win_last, start_valid, start_ready, fc_valid, fc_ready, fc_last;
  wire        mw_valid, mw_ready, rx_byte, frame_ok, frame_err;
  wire [15:0] win_data, fc_data, mw_addr;
  wire [7:0]  mw_id, core_id;
  wire [31:0] mw_data, core_status;

  sf_host_if #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_host (
    .i_clk(i_clk), .i_rst(i_rst), .i_uart_rx(i_uart_rx), .o_uart_tx(o_uart_tx),
    .o_win_valid(win_valid), .i_win_ready(win_ready), .o_win_data(win_data), .o_win_last(win_last),
    .o_start_valid(start_valid), .i_start_ready(start_ready),
    .i_fc_valid(fc_valid), .o_fc_ready(fc_ready), .i_fc_data(fc_data), .i_fc_last(fc_last),
    .i_fc_err(fc_err), .i_fc_err_code(fc_err_code),
    .o_mw_valid(mw_valid), .i_mw_ready(mw_ready), .o_mw_id(mw_id), .o_mw_addr(mw_addr), .o_mw_data(mw_data),
    .i_core_status(core_status), .i_core_id(core_id),
    .o_rx_byte(rx_byte), .o_frame_ok(frame_ok), .o_frame_err(frame_err));

  wire        fc_err;
  wire [7:0]  fc_err_code;
  generate
    if (CORE != 0) begin : g_core
      wire        c_rst, hw_valid, ib_valid, start, run, done, error, obv;
      wire [7:0]  hw_mem, oba;
      wire [15:0] hw_addr, ib_data;
      wire [31:0] hw_data, ob_data, obd;
      wire [5:0]  ib_addr, ob_addr;
      wire [3:0]  dbg_wv, dbg_wdual;
      wire [15:0] dbg_wmem;
      wire [63:0] dbg_waddr, dbg_wdata;
      sf_core_adapter #(.TIMEOUT_CYCLES(CORE_TIMEOUT)) u_adapter (
        .i_clk(i_clk), .i_rst(i_rst),
        .i_win_valid(win_valid), .o_win_ready(win_ready), .i_win_data(win_data), .i_win_last(win_last),
        .i_start_valid(start_valid), .o_start_ready(start_ready),
        .o_fc_valid(fc_valid), .i_fc_ready(fc_ready), .o_fc_data(fc_data), .o_fc_last(fc_last),
        .o_fc_err(fc_err), .o_fc_err_code(fc_err_code),
        .i_mw_valid(mw_valid), .o_mw_ready(mw_ready), .i_mw_id(mw_id), .i_mw_addr(mw_addr), .i_mw_data(mw_data),
        .o_core_status(core_status), .o_core_id(core_id),
        .o_core_rst(c_rst), .o_hw_valid(hw_valid), .o_hw_mem(hw_mem), .o_hw_addr(hw_addr), .o_hw_data(hw_data),
        .o_ib_valid(ib_valid), .o_ib_addr(ib_addr), .o_ib_data(ib_data), .o_ob_addr(ob_addr), .i_ob_data(ob_data),
        .o_start(start), .i_run(run), .i_done(done), .i_error(error), .i_ob_wvalid(obv), .i_ob_waddr(oba));
      sf_core u_core (
        .i_clk(i_clk), .i_rst(c_rst), .i_hw_valid(hw_valid), .i_hw_mem(hw_mem), .i_hw_addr(hw_addr),
        .i_hw_data(hw_data), .i_ib_valid(ib_valid), .i_ib_addr(ib_addr), .i_ib_data(ib_data), .i_ob_addr(ob_addr),
        .o_ob_data(ob_data), .i_start(start), .o_run(run), .o_done(done), .o_error(error),
        .o_dbg_wv(dbg_wv), .o_dbg_wmem(dbg_wmem), .o_dbg_wdual(dbg_wdual), .o_dbg_waddr(dbg_waddr),
        .o_dbg_wdata(dbg_wdata), .o_dbg_obv(obv), .o_dbg_oba(oba), .o_dbg_obd(obd));
      // the scratch-write debug ports serve the core testbench only (optimized away in synthesis)
      wire unused_core = &{1'b0, obd, dbg_wv, dbg_wmem, dbg_wdual, dbg_waddr, dbg_wdata};
    end else begin : g_responder
      assign fc_err = 1'b0;
      assign fc_err_code = 8'd0;
      sf_host_test_responder u_responder (
        .i_clk(i_clk), .i_rst(i_rst),
        .i_win_valid(win_valid), .o_win_ready(win_ready), .i_win_data(win_data), .i_win_last(win_last),
        .i_start_valid(start_valid), .o_start_ready(start_ready),
        .o_fc_valid(fc_valid), .i_fc_ready(fc_ready), .o_fc_data(fc_data), .o_fc_last(fc_last),
        .i_mw_valid(mw_valid), .o_mw_ready(mw_ready), .i_mw_id(mw_id), .i_mw_addr(mw_addr), .i_mw_data(mw_data),
        .o_core_status(core_status), .o_core_id(core_id));
    end
  endgenerate

  // LEDs
  reg [26:0] beat;
  reg [22:0] act;
  reg        ok_t, err_t;
  always @(posedge i_clk) begin
    if (i_rst) begin
      beat <= 27'd0;
      act <= 23'd0;
      ok_t <= 1'b0;
      err_t <= 1'b0;
    end else begin
      beat <= beat + 27'd1;
      act <= rx_byte ? {23{1'b1}} : (act != 23'd0 ? act - 23'd1 : act);
      if (frame_ok) ok_t <= !ok_t;
      if (frame_err) err_t <= !err_t;
    end
  end
  assign o_led = {err_t, ok_t, act != 23'd0, beat[26]};
endmodule
`default_nettype wire
