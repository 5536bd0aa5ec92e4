// sf_colorlight_i5_top: Colorlight i5 v7.0 board top (LFE5U-25F-6BG381C). 25 MHz on P3 -> sf_pll -> core
// clock (CORE_MHZ); sf_reset_sync from the PLL lock; sf_host_top (the accelerator core, or with CORE = 0 the test
// responder) on the extension board's UART (FPGA TX on
// J17, RX on H18). The one LED (U16, active low) shows the heartbeat, or UART activity when there is some.
`default_nettype none
module sf_colorlight_i5_top #(
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
  input  wire i_clk25,
  input  wire i_uart_rx,
  output wire o_uart_tx,
  output wire o_led_n
);
  wire clk, locked, rst;
  sf_pll #(.CLKI_DIV(PLL_CLKI_DIV), .CLKFB_DIV(PLL_CLKFB_DIV), .CLKOP_DIV(PLL_CLKOP_DIV),
    .CLKOP_CPHASE(PLL_CLKOP_CPHASE)) u_pll (.i_clk(i_clk25), .o_clk(clk), .o_locked(locked));
  sf_reset_sync u_rst (.i_clk(clk), .i_ready(locked), .o_rst(rst));
  wire [3:0] led;
  sf_host_top #(.CLK_HZ(CLK_HZ), .BAUD(BAUD), .CORE(CORE), .CORE_TIMEOUT(CORE_TIMEOUT)) u_top (
    .i_clk(clk), .i_rst(rst), .i_uart_rx(i_uart_rx), .o_uart_tx(o_uart_tx), .o_led(led));
  assign o_led_n = !(led[1] ? 1'b1 : led[0]);
  wire unused_ok = &{1'b0, led[3:2]};
endmodule
`default_nettype wire
