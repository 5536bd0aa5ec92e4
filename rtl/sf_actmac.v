// sf_actmac: activation-by-activation MAC lanes (attention scores Q.K^T and weighted values P.V).
// LANES independent lanes; each beat brings one (a, b) pair per lane (the sequencer broadcasts a shared
// operand by wiring it to every lane) and the zero points za, zb shared by the lanes.
// Stages (same order as sf::actmac in model/intref.h), one register each:
//   1. da = a - za, db = b - zb (9-bit signed)  2. p = da * db (18-bit: one MULT18X18D per lane, with
//   registers before and after it; each lane's da its own register, also when the operand is broadcast)  3. acc = (first ? 0 : acc) + p (int32, wraps); o_acc after i_last.
// Latency 3 cycles from the i_last beat; one beat per cycle; the pipeline stalls while o_valid && !i_ready.
`default_nettype none
`include "sf_policy.vh"
module sf_actmac #(
  parameter integer LANES = 24,
  parameter integer X_W   = `SF_ACT_BITS,
  parameter integer ZP_W  = `SF_ZP_BITS,
  parameter integer ACC_W = `SF_ACC_BITS
) (
  input  wire                   i_clk,
  input  wire                   i_rst,
  input  wire                   i_valid,
  output wire                   o_ready,
  input  wire                   i_first,
  input  wire                   i_last,
  input  wire [LANES*X_W-1:0]   i_a,
  input  wire [LANES*X_W-1:0]   i_b,
  input  wire signed [ZP_W-1:0] i_za,
  input  wire signed [ZP_W-1:0] i_zb,
  output wire                   o_valid,
  input  wire                   i_ready,
  output wire [LANES*ACC_W-1:0] o_acc
);
  localparam integer D_W = (X_W + 1 > ZP_W ? X_W + 1 : ZP_W) + 1;  // difference width
  localparam integer P_W = 2 * D_W;

  wire adv = !o_valid || i_ready;
  assign o_ready = adv;

  reg v1, v2, v3, first1, first2, last1, last2;
  always @(posedge i_clk) begin
    if (i_rst) begin
      v1 <= 1'b0; v2 <= 1'b0; v3 <= 1'b0;
    end else if (adv) begin
      v1 <= i_valid; v2 <= v1; v3 <= v2 && last2;
    end
  end
  always @(posedge i_clk) begin
    if (adv) begin
      first1 <= i_first; last1 <= i_last; first2 <= first1; last2 <= last1;
    end
  end
  assign o_valid = v3;

  genvar l;
  generate
    for (l = 0; l < LANES; l = l + 1) begin : g_lane
      wire signed [D_W-1:0] a = $signed({{(D_W-X_W){1'b0}}, i_a[l*X_W +: X_W]});
      wire signed [D_W-1:0] b = $signed({{(D_W-X_W){1'b0}}, i_b[l*X_W +: X_W]});
      wire signed [D_W-1:0] za = {{(D_W-ZP_W){i_za[ZP_W-1]}}, i_za};
      wire signed [D_W-1:0] zb = {{(D_W-ZP_W){i_zb[ZP_W-1]}}, i_zb};
      reg signed [D_W-1:0] da, db;
      reg signed [P_W-1:0] p;
      reg [ACC_W-1:0] acc, out;
      wire [ACC_W-1:0] nxt = (first2 ? {ACC_W{1'b0}} : acc) + {{(ACC_W-P_W){p[P_W-1]}}, p};
      // keep: each lane's own da flip-flops, next to its MULT18X18D. A caller that broadcasts one operand to every
      // lane (P.V: the probability) would otherwise have Yosys merge the lanes' da into one register driving all
      // the lanes' multipliers (timing: a fan-out across the DSP row in front of the unregistered multiply)
      (* keep *) always @(posedge i_clk) if (adv) da <= a - za;
      always @(posedge i_clk) begin
        if (adv) begin
          db <= b - zb;
          p  <= da * db;
          if (v2) acc <= nxt;
          if (v2 && last2) out <= nxt;
        end
      end
      assign o_acc[l*ACC_W +: ACC_W] = out;
    end
  endgenerate
endmodule
`default_nettype wire
