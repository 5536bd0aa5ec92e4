// sf_layernorm: integer LayerNorm of one row of n = 2^log2n signed inputs, one element per cycle.
// C++ reference: sf::layernorm() in model/intref.h, same stage order:
//   IN  : store x, gamma, beta; S1 += x
//   MEAN: mean = round_shift(S1, log2n)
//   VAR : c = x - mean; Q += c * c                  (one multiplier, shared with OUT)
//   RSQ : var = round_shift(Q, log2n) + eps; (R, e) = rsqrt_fix(var)   (sf_rsqrt_fix, 96-entry table)
//   OUT : z = round_shift(c * R, e + RQ - ZF) | y = z * gamma + beta (int32, wraps);
//         o_y = saturate(round_shift(y, shift) + zp, lo, hi)   (the shift_rescale rule, mult 1)
// The row ends with i_last (which must be beat 2^log2n); i_log2n, i_eps and the output rescale (i_shift,
// i_zp, i_lo, i_hi) are taken at the i_last beat. One row at a time (o_ready low from the i_last handshake
// until the row's last element is issued). Latency from the i_last handshake to the first o_valid:
// n + 5 cycles; then one element per cycle unless i_ready is low. Uses two multipliers (17x17, 18x8).
`default_nettype none
`include "sf_policy.vh"
module sf_layernorm #(
  parameter integer MAX_N   = `SF_LN_MAX_ROW,
  parameter integer X_W     = `SF_LN_IN_BITS,
  parameter integer G_W     = `SF_LN_GAMMA_BITS,
  parameter integer B_W     = `SF_LN_BETA_BITS,
  parameter integer EPS_W   = 16,
  parameter integer SHIFT_W = `SF_RS_SHIFT_BITS,
  parameter integer ZP_W    = `SF_ZP_BITS,
  parameter integer OUT_W   = `SF_ACT_BITS
) (
  input  wire                      i_clk,
  input  wire                      i_rst,
  input  wire                      i_valid,
  output wire                      o_ready,
  input  wire signed [X_W-1:0]     i_x,
  input  wire signed [G_W-1:0]     i_gamma,
  input  wire [B_W-1:0]            i_beta,
  input  wire                      i_last,
  input  wire [2:0]                i_log2n,
  input  wire [EPS_W-1:0]          i_eps,
  input  wire signed [SHIFT_W-1:0] i_shift,
  input  wire signed [ZP_W-1:0]    i_zp,
  input  wire signed [ZP_W-1:0]    i_lo,
  input  wire signed [ZP_W-1:0]    i_hi,
  output reg                       o_valid,
  input  wire                      i_ready,
  output reg  [OUT_W-1:0]          o_y,
  output reg                       o_last
);
  localparam integer RQ   = `SF_LN_RSQRT_OUT_BITS;
  localparam integer ZF   = `SF_LN_Z_FRAC_BITS;
  localparam integer N_W  = $clog2(MAX_N);
  localparam integer S1_W = X_W + N_W + 1;
  localparam integer C_W  = X_W + 1;
  localparam integer Q_W  = 2 * X_W + N_W + 1;   // sum of squares
  localparam integer V_W  = Q_W;
  localparam integer Z_W  = 18;                  // |z| <= sqrt(n) * 2^ZF * 1.01 < 2^14
  localparam integer LSH  = -(`SF_RS_SHIFT_MIN);
  localparam integer ZSH_I = RQ - ZF;
  localparam [5:0]   ZSH  = ZSH_I[5:0];
  localparam [2:0] ST_IN = 3'd0, ST_MEAN = 3'd1, ST_VAR = 3'd2, ST_RSQ = 3'd3, ST_OUT = 3'd4;

  reg [2:0]            st;
  reg [N_W-1:0]        j, nlast;
  reg signed [X_W-1:0] mem_x [0:MAX_N-1];
  reg signed [G_W-1:0] mem_g [0:MAX_N-1];
  reg [B_W-1:0]        mem_b [0:MAX_N-1];
  reg signed [S1_W-1:0] s1;
  reg signed [X_W-1:0] mean;
  reg [Q_W-1:0]        q;
  reg [2:0]            log2n;
  reg [EPS_W-1:0]      eps;
  reg signed [SHIFT_W-1:0] shift;
  reg signed [ZP_W-1:0] zp, lo, hi;
  reg [RQ:0]           r;
  reg [5:0]            e;

  wire adv = !o_valid || i_ready;         // the OUT pipeline moves
  assign o_ready = (st == ST_IN);
  wire in_fire = i_valid && o_ready;
  wire issue = (st == ST_OUT) && adv;

  // ---- shared multiplier: c * c (VAR) or c * R (OUT) ----
  wire signed [X_W-1:0] xj = mem_x[j];
  wire signed [C_W-1:0] c  = {xj[X_W-1], xj} - {mean[X_W-1], mean};
  wire signed [C_W:0]   mb = (st == ST_VAR) ? {c[C_W-1], c} : $signed({{(C_W-RQ){1'b0}}, r});
  wire signed [2*C_W+1:0] prod = $signed({c[C_W-1], c}) * mb;

  // ---- MEAN / RSQ combinational steps ----
  wire signed [S1_W:0] mean_full;
  sf_round_shift #(.IN_W(S1_W), .SHIFT_W(4), .OUT_W(S1_W+1)) u_mean (.i_x(s1), .i_shift({1'b0, log2n}), .o_y(mean_full));
  wire signed [Q_W+1:0] var_sh;
  sf_round_shift #(.IN_W(Q_W+1), .SHIFT_W(4), .OUT_W(Q_W+2)) u_var (.i_x({1'b0, q}), .i_shift({1'b0, log2n}), .o_y(var_sh));
  wire [V_W-1:0] var_v = var_sh[V_W-1:0] + {{(V_W-EPS_W){1'b0}}, eps};
  wire [RQ:0] r_next;
  wire [5:0]  e_next;
  sf_rsqrt_fix #(.V_W(V_W)) u_rsqrt (.i_var(var_v), .o_r(r_next), .o_e(e_next));

  // ---- OUT stage 0 -> 1: z ----
  wire signed [2*C_W+2:0] z_full;
  sf_round_shift #(.IN_W(2*C_W+2), .SHIFT_W(7), .OUT_W(2*C_W+3)) u_z (.i_x(prod), .i_shift({1'b0, e + ZSH}), .o_y(z_full));
  reg                  v1, last1;
  reg signed [Z_W-1:0] z1;
  reg signed [G_W-1:0] g1;
  reg [B_W-1:0]        b1;
  reg signed [SHIFT_W-1:0] shift1;
  reg signed [ZP_W-1:0] zp1, lo1, hi1;
  // ---- OUT stage 1 -> output: y = z * gamma + beta, rescale ----
  wire signed [Z_W+G_W-1:0] zg = z1 * g1;
  wire [B_W-1:0] y = {{(B_W-Z_W-G_W){zg[Z_W+G_W-1]}}, zg} + b1;
  wire signed [B_W+LSH:0] yr;
  sf_round_shift #(.IN_W(B_W), .SHIFT_W(SHIFT_W), .OUT_W(B_W+LSH+1), .OPT_LEFT(LSH > 0 ? 1 : 0)) u_y (.i_x(y), .i_shift(shift1), .o_y(yr));
  wire signed [B_W+LSH+1:0] yz = {yr[B_W+LSH], yr} + {{(B_W+LSH+2-ZP_W){zp1[ZP_W-1]}}, zp1};
  wire [OUT_W-1:0] ysat;
  sf_saturate #(.IN_W(B_W+LSH+2), .LIM_W(ZP_W), .OUT_W(OUT_W)) u_sat (.i_x(yz), .i_lo(lo1), .i_hi(hi1), .o_y(ysat));

  always @(posedge i_clk) begin
    if (i_rst) begin
      st <= ST_IN;
      j <= {N_W{1'b0}};
      v1 <= 1'b0;
      o_valid <= 1'b0;
    end else begin
      if (adv) begin
        v1 <= issue;
        o_valid <= v1;
      end
      case (st)
        ST_IN: if (in_fire) begin
          if (i_last) begin
            st <= ST_MEAN;
            nlast <= j;
            j <= {N_W{1'b0}};
          end else begin
            j <= j + 1'b1;
          end
        end
        ST_MEAN: st <= ST_VAR;
        ST_VAR: begin
          if (j == nlast) begin
            st <= ST_RSQ;
            j <= {N_W{1'b0}};
          end else begin
            j <= j + 1'b1;
          end
        end
        ST_RSQ: st <= ST_OUT;
        default: if (issue) begin  // ST_OUT
          if (j == nlast) begin
            st <= ST_IN;
            j <= {N_W{1'b0}};
          end else begin
            j <= j + 1'b1;
          end
        end
      endcase
    end
  end

  always @(posedge i_clk) begin
    case (st)
      ST_IN: if (in_fire) begin
        mem_x[j] <= i_x;
        mem_g[j] <= i_gamma;
        mem_b[j] <= i_beta;
        s1 <= (j == {N_W{1'b0}} ? {S1_W{1'b0}} : s1) + {{(S1_W-X_W){i_x[X_W-1]}}, i_x};
        if (i_last) begin
          log2n <= i_log2n; eps <= i_eps;
          shift <= i_shift; zp <= i_zp; lo <= i_lo; hi <= i_hi;
        end
      end
      ST_MEAN: begin
        mean <= mean_full[X_W-1:0];
        q <= {Q_W{1'b0}};
      end
      ST_VAR: q <= q + {{(Q_W-2*C_W){1'b0}}, prod[2*C_W-1:0]};  // c*c >= 0, < 2^(2*X_W)
      ST_RSQ: begin
        r <= r_next;
        e <= e_next;
      end
      default: ;
    endcase
    if (adv) begin
      z1 <= z_full[Z_W-1:0];
      g1 <= mem_g[j];
      b1 <= mem_b[j];
      last1 <= (j == nlast);
      shift1 <= shift; zp1 <= zp; lo1 <= lo; hi1 <= hi;
      o_y <= ysat;
      o_last <= last1;
    end
  end

  wire unused_ok = &{1'b0, mean_full[S1_W:X_W], var_sh[Q_W+1:V_W], z_full[2*C_W+2:Z_W], prod[2*C_W+1:2*C_W]};
endmodule
`default_nettype wire
