// sf_pll: the core clock from an ECP5 PLL (EHXPLLL), feedback from CLKOP. The default parameters are the
// output of `yowasp-ecppll -i 25 -o 100` (25 MHz in, VCO 600 MHz, 100 MHz out); another board clock or
// target: re-run ecppll and pass its CLKI_DIV, CLKFB_DIV, CLKOP_DIV, CLKOP_CPHASE.
// With `define SF_PLL_STANDIN (Verilator, any simulator) it is a stand-in: o_clk = i_clk and o_locked
// rises LOCK_CYCLES input clocks after configuration, so a whole board top can be simulated.
`default_nettype none
module sf_pll #(
  parameter integer CLKI_DIV     = 1,
  parameter integer CLKFB_DIV    = 4,
  parameter integer CLKOP_DIV    = 6,
  parameter integer CLKOP_CPHASE = 2,
  parameter integer LOCK_CYCLES  = 16
) (
  input  wire i_clk,
  output wire o_clk,
  output wire o_locked
);
`ifdef SF_PLL_STANDIN
  reg [7:0] cnt = 8'd0;
  always @(posedge i_clk)
    if (cnt != LOCK_CYCLES[7:0]) cnt <= cnt + 8'd1;
  assign o_clk    = i_clk;
  assign o_locked = cnt == LOCK_CYCLES[7:0];
  wire unused_ok = &{1'b0, CLKI_DIV[0], CLKFB_DIV[0], CLKOP_DIV[0], CLKOP_CPHASE[0]};
`else
  (* ICP_CURRENT = "12" *) (* LPF_RESISTOR = "8" *) (* MFG_ENABLE_FILTEROPAMP = "1" *) (* MFG_GMCREF_SEL = "2" *)
  EHXPLLL #(
    .PLLRST_ENA("DISABLED"), .INTFB_WAKE("DISABLED"), .STDBY_ENABLE("DISABLED"), .DPHASE_SOURCE("DISABLED"),
    .OUTDIVIDER_MUXA("DIVA"), .OUTDIVIDER_MUXB("DIVB"), .OUTDIVIDER_MUXC("DIVC"), .OUTDIVIDER_MUXD("DIVD"),
    .CLKI_DIV(CLKI_DIV), .CLKOP_ENABLE("ENABLED"), .CLKOP_DIV(CLKOP_DIV), .CLKOP_CPHASE(CLKOP_CPHASE),
    .CLKOP_FPHASE(0), .FEEDBK_PATH("CLKOP"), .CLKFB_DIV(CLKFB_DIV)
  ) u_pll (
    .RST(1'b0), .STDBY(1'b0), .CLKI(i_clk), .CLKOP(o_clk), .CLKFB(o_clk),
    .PHASESEL0(1'b0), .PHASESEL1(1'b0), .PHASEDIR(1'b1), .PHASESTEP(1'b1), .PHASELOADREG(1'b1),
    .PLLWAKESYNC(1'b0), .ENCLKOP(1'b0), .LOCK(o_locked)
  );
`endif
endmodule
`default_nettype wire
