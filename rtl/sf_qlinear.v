// sf_qlinear: the weight-MAC array. LANES output accumulators (output-stationary); every beat brings KPAR
// unsigned activations (broadcast to all lanes) and LANES x KPAR weights. No multiplier: each weight is a
// sequence of radix-4 signed (Booth) digits d in {-2,-1,0,+1,+2}, processed one digit per cycle as
// add / subtract / skip of x or 2x, shifted by 2 * digit: a 2-bit (ternary) weight is one digit, one cycle,
// pure add/sub/skip; 4-bit weights take 2 cycles per beat, 8-bit 4 cycles (mode i_mode: 0 = 2-bit,
// 1 = 4-bit, 2 = 8-bit). W_MAX = 2 builds the ternary-only array (no digit counter, no shifter).
// Stages (same order as sf::qlinear in model/intref.h):
//   1. load bias (beat with i_first)  2. per digit: term = sum_k (d_k * x_k) << 2i (registered, stage T)
//   3. acc += term (int32, wraps)  4. after the last digit of the beat with i_last: o_acc = acc (output register).
// Weight bus: lane l, input k at bits [((l*KPAR)+k)*W_MAX +: W_MAX], two's complement (narrow range).
// Latency: 2 + digits cycles from the handshake of the i_last beat to o_valid (3 for ternary) unless the
// output register is still full. Throughput: one beat per digit-count cycles.
`default_nettype none
`include "sf_policy.vh"
module sf_qlinear #(
  parameter integer LANES = 32,
  parameter integer KPAR  = 2,
  parameter integer X_W   = `SF_ACT_BITS,
  parameter integer W_MAX = `SF_W_MAX_BITS,   // 2, 4 or 8
  parameter integer ACC_W = `SF_ACC_BITS,
  // NO_STALL = 1: the user guarantees that the output register is free (o_valid low, or i_ready high) whenever
  // the last digit of an i_last beat retires (sf_eng_w schedules its tiles so); the array then never waits
  // and o_ready = !a_v || last digit, without the i_ready -> load-enable path. Simulation stops if the
  // guarantee is broken. NO_STALL = 0: the full handshake (random stalls, tb_qlinear).
  parameter integer NO_STALL = 0
) (
  input  wire                     i_clk,
  input  wire                     i_rst,
  input  wire                     i_valid,
  output wire                     o_ready,
  input  wire                     i_first,
  input  wire                     i_last,
  input  wire [1:0]               i_mode,
  input  wire [KPAR*X_W-1:0]      i_x,
  input  wire [LANES*KPAR*W_MAX-1:0] i_w,
  input  wire [LANES*ACC_W-1:0]   i_bias,
  output reg                      o_valid,
  input  wire                     i_ready,
  output wire [LANES*ACC_W-1:0]   o_acc
);
  localparam integer XS_W = X_W + (W_MAX > 2 ? W_MAX - 2 : 0);   // x pre-shifted by 2i (multi-digit modes)
  localparam integer T_W  = XS_W + 3 + $clog2(KPAR + 1);          // term width

  // ---- stage A: the beat being processed, digit by digit ----
  reg                        a_v, a_first, a_last;
  reg [1:0]                  a_mode, dig;
  // Multi-digit modes shift the working registers instead of selecting: after each digit the weights move
  // right by 2 (the digit bits are always at [2:0] of {w, 0}) and the activations left by 2 (x << 2i).
  reg [KPAR*XS_W-1:0]            a_x;
  reg [LANES*KPAR*(W_MAX+1)-1:0] a_w;
  reg [LANES*ACC_W-1:0]      a_bias;

  wire [1:0] last_dig;
  generate
    if (W_MAX > 2) begin : g_ndig
      assign last_dig = (a_mode == 2'd0) ? 2'd0 : ((a_mode == 2'd1 || W_MAX == 4) ? 2'd1 : 2'd3);
    end else begin : g_ndig1
      assign last_dig = 2'd0;
      wire unused_mode = &{1'b0, a_mode};
    end
  endgenerate
  wire final_dig = (dig == last_dig);
  wire out_free  = (NO_STALL != 0) || !o_valid || i_ready;
  // ---- stage T: the per-lane digit term, registered (cuts the broadcast + add/sub + accumulate path) ----
  reg  t_v, t_first0, t_last;
  wire t_go   = t_v && (!t_last || out_free);   // T retires into the accumulators (and the output)
  wire t_free = !t_v || t_go;
  wire step      = a_v && t_free;
  wire done      = step && final_dig;
  assign o_ready = !a_v || done;
  always @(posedge i_clk) begin
    if (i_rst) t_v <= 1'b0;
    else if (t_free) t_v <= step;
  end
  always @(posedge i_clk) begin
    if (t_free) begin
      t_first0 <= a_first && (dig == 2'd0);
      t_last   <= done && a_last;
    end
  end
  always @(posedge i_clk) begin
    if (i_rst) begin
      a_v <= 1'b0;
      dig <= 2'd0;
    end else if (o_ready) begin
      a_v <= i_valid;
      dig <= 2'd0;
    end else if (step) begin
      dig <= dig + 2'd1;
    end
  end
  integer kk, ww;
  always @(posedge i_clk) begin
    if (o_ready && i_valid) begin
      a_first <= i_first; a_last <= i_last; a_mode <= i_mode; a_bias <= i_bias;
      for (kk = 0; kk < KPAR; kk = kk + 1)
        a_x[kk*XS_W +: XS_W] <= {{(XS_W-X_W){1'b0}}, i_x[kk*X_W +: X_W]};
      for (ww = 0; ww < LANES*KPAR; ww = ww + 1)
        a_w[ww*(W_MAX+1) +: W_MAX+1] <= {i_w[ww*W_MAX +: W_MAX], 1'b0};
    end else if (step && W_MAX > 2) begin
      for (kk = 0; kk < KPAR; kk = kk + 1)
        a_x[kk*XS_W +: XS_W] <= a_x[kk*XS_W +: XS_W] << 2;
      for (ww = 0; ww < LANES*KPAR; ww = ww + 1)
        a_w[ww*(W_MAX+1) +: W_MAX+1] <= a_w[ww*(W_MAX+1) +: W_MAX+1] >> 2;
    end
  end

`ifndef SYNTHESIS
`ifndef FORMAL  // Yosys read_verilog -formal rejects $stop outside initial blocks (formal/)
  always @(posedge i_clk) begin
    if (NO_STALL != 0 && !i_rst && t_v && t_last && o_valid && !i_ready) begin
      $display("sf_qlinear (NO_STALL): a tile completes while the previous output is still held (%m)");
      $stop;
    end
  end
`endif
`endif
  always @(posedge i_clk) begin
    if (i_rst) o_valid <= 1'b0;
    else if (t_go && t_last) o_valid <= 1'b1;
    else if (i_ready) o_valid <= 1'b0;
  end

  genvar l, k;
  generate
    for (l = 0; l < LANES; l = l + 1) begin : g_lane
      reg signed [T_W-1:0] term_t;
      reg [ACC_W-1:0]      bias_t;
      reg [ACC_W-1:0]      acc;
      wire [ACC_W-1:0]     base = t_first0 ? bias_t : acc;
      wire [ACC_W-1:0]     nxt;
      if (W_MAX == 2 && KPAR == 2) begin : g_t2
        // ternary, two inputs: d_k x_k = (m_k ^ n_k) + n_k (m_k = x_k, 2 x_k or 0, n_k = the digit's sign,
        // XOR with n_k spread over T_W bits). T registers (m_0 ^ n_0) + (m_1 ^ n_1) + n_0 (one carry chain, n_0
        // its carry-in) and n_1; the accumulate adds n_1 as its own carry-in. Same sum (T_W bits hold every
        // term with room: |d_0 x_0 + d_1 x_1| <= 4 (2^X_W - 1), the partial term one below it at least).
        wire [T_W-1:0] u [0:1];
        wire           n [0:1];
        for (k = 0; k < 2; k = k + 1) begin : g_k
          wire [2:0]      bits = a_w[((l*KPAR)+k)*(W_MAX+1) +: 3];   // {w1, w0, 0}
          wire [XS_W-1:0] x    = a_x[k*XS_W +: XS_W];
          wire            one  = bits[1];
          wire            two  = bits[2] & ~bits[1];
          wire [XS_W+1:0] mag  = one ? {2'b00, x} : (two ? {1'b0, x, 1'b0} : {(XS_W+2){1'b0}});
          assign n[k] = bits[2];
          assign u[k] = {{(T_W-XS_W-2){1'b0}}, mag} ^ {T_W{bits[2]}};
          wire unused_b0 = bits[0];
        end
        wire [T_W:0] tsum = {u[0], 1'b1} + {u[1], n[0]};              // bit 0: the carry-in's position
        reg          cor_t;
        always @(posedge i_clk) if (t_free) begin term_t <= tsum[T_W:1]; cor_t <= n[1]; end
        wire [ACC_W:0] asum = {base, 1'b1} + {{(ACC_W-T_W){term_t[T_W-1]}}, term_t, cor_t};
        assign nxt = asum[ACC_W:1];
        wire unused_s = &{1'b0, tsum[0], asum[0]};
      end else begin : g_tn
        wire [KPAR*(XS_W+3)-1:0] vals;  // d_k * (x_k << 2i), signed, per k
        for (k = 0; k < KPAR; k = k + 1) begin : g_k
          // Booth digit bits (b_hi, b_mid, b_lo) = (w[2i+1], w[2i], w[2i-1]), w[-1] = 0: always at [2:0]
          wire [2:0]      bits = a_w[((l*KPAR)+k)*(W_MAX+1) +: 3];
          wire [XS_W-1:0] x    = a_x[k*XS_W +: XS_W];
          wire one = bits[1] ^ bits[0];
          wire two = (bits[2] & ~bits[1] & ~bits[0]) | (~bits[2] & bits[1] & bits[0]);
          wire neg = bits[2];
          wire [XS_W+1:0] mag = one ? {2'b00, x} : (two ? {1'b0, x, 1'b0} : {(XS_W+2){1'b0}});
          wire signed [XS_W+2:0] val = neg ? -$signed({1'b0, mag}) : $signed({1'b0, mag});
          assign vals[k*(XS_W+3) +: XS_W+3] = val;
        end
        reg signed [T_W-1:0] psum;
        integer j;
        always @* begin
          psum = {T_W{1'b0}};
          for (j = 0; j < KPAR; j = j + 1)
            psum = psum + {{(T_W-XS_W-3){vals[j*(XS_W+3)+XS_W+2]}}, vals[j*(XS_W+3) +: XS_W+3]};
        end
        always @(posedge i_clk) if (t_free) term_t <= psum;
        assign nxt = base + {{(ACC_W-T_W){term_t[T_W-1]}}, term_t};
      end
      always @(posedge i_clk) if (t_free) bias_t <= a_bias[l*ACC_W +: ACC_W];
      always @(posedge i_clk) if (t_go) acc <= nxt;
      reg [ACC_W-1:0] out;
      always @(posedge i_clk) if (t_go && t_last) out <= nxt;
      assign o_acc[l*ACC_W +: ACC_W] = out;
    end
  endgenerate
endmodule
`default_nettype wire
