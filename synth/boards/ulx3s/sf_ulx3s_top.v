// sf_ulx3s_top: ULX3S board top (LFE5U-12F/25F/45F/85F, CABGA381). 25 MHz on G2 -> sf_pll -> core
// clock (CORE_MHZ); sf_reset_sync from the PLL lock; sf_host_top (the accelerator core, or with CORE = 0 the test
// responder) on the FTDI UART (FPGA RX on M1, TX on L4).
// LEDs: [0] heartbeat, [1] UART activity, [2] good frame (toggles), [3] error reply (toggles),
// [7] PLL locked. Pins: ulx3s.lpf.
`default_nettype none
module sf_ulx3s_top #(
  // the core clock: CLK_HZ and the PLL divisors together (defaults: 25 MHz in, 100 MHz out); the Makefile
  // sets all five from scripts/pll_params.py (ecppll) for CORE_MHZ=
  parameter integer CLK_HZ = 100_000_000,
  parameter integer PLL_CLKI_DIV     = 1,
  parameter integer PLL_CLKFB_DIV    = 4,
  parameter integer PLL_CLKOP_DIV    = 6,
  parameter integer PLL_CLKOP_CPHASE = 2,
  parameter integer BAUD   = 115_200,
  parameter integer CORE   = 1,          // 1: sf_core behind the host interface; 0: the test responder (host tests)
  parameter integer CORE_TIMEOUT = 1_048_576
) (
  input  wire       i_clk25,
  input  wire       i_uart_rx,
  output wire       o_uart_tx,
  output wire [7:0] o_led
);
  wire clk, locked, rst;
  sf_pll #(.CLKI_DIV(PLL_CLKI_DIV), .CLKFB_DIV(PLL_CLKFB_DIV), .CLKOP_DIV(PLL_CLKOP_DIV),
    .CLKOP_CPHASE(PLL_CLKOP_CPHASE)) u_pll (.i_clk(i_clk25), .o_clk(clk), .o_locked(locked));
  sf_reset_sync u_rst (.i_clk(clk), .i_ready(locked), .o_rst(rst));
  wire [3:0] led;
  sf_host_top #(.CLK_HZ(CLK_HZ), .BAUD(BAUD), .CORE(CORE), .CORE_TIMEOUT(CORE_TIMEOUT)) u_top (
    .i_clk(clk), .i_rst(rst), .i_uart_rx(i_uart_rx), .o_uart_tx(o_uart_tx), .o_led(led));
  assign o_led = {locked, 3'b000, led};
endmodule
`default_nettype wire
