// sf_eng_n: the N unit's engine -- ADDNORM: per row, residual_add(a[j], b[j]) through one sf_residual_add
// lane into one of LNU = SF_ISA_LN_UNITS sf_layernorm instances (row k, counted across instructions, on instance
// k mod LNU: the full build alternates two, the lite build has one), outputs written two bytes at a time.
// docs/core.md gives the rules; the C++ cycle model (model/compiler.cpp, exec_time) states the same ones.
//
// Per instruction: the parameter load (11 words, two per cycle) starts at pl >= issue + 1, once the previous
// row's LayerNorm has taken its settings (pl >= R_prev + n + 5); its first row starts at pl + N_PARAM at the
// earliest. A row is decided at R when the residual lane is free (R >= R_prev + n) and its instance will take
// the first element in time (R + 6 >= the instance's ready cycle); element j's operands are addressed at
// R + 1 + j (a, b, gamma, beta), enter the residual lane at R + 2 + j (RL = 4 stages), the LayerNorm at R + 6 + j;
// outputs from
// R + 2n + 20, the pair m written at R + 2n + 21 + 2m. Two instances never write in the same cycle (rows start >= n apart and
// a row's writes span n cycles). The instance count changes only which rows wait for their instance.
`default_nettype none
`include "sf_isa.vh"
`include "sf_policy.vh"
module sf_eng_n #(
  parameter integer IW = `SF_ISA_INSTR_WORDS * 32
) (
  input  wire              i_clk,
  input  wire              i_rst,
  input  wire              i_issue,
  input  wire [IW-1:0]     i_instr,
  output wire              o_free,
  output reg               o_done,
  output reg  [11:0]       o_pa0,
  output reg  [11:0]       o_pa1,
  input  wire [31:0]       i_pd0,
  input  wire [31:0]       i_pd1,
  // operand a: NA_W and NA_N (the same address; a_mem selects), operand b: NB; 16-bit words
  output wire [15:0]       o_a_addr,
  input  wire [31:0]       i_a_data,     // {NA_N, NA_W}
  output wire [15:0]       o_b_addr,
  input  wire [15:0]       i_b_data,
  output wire              o_wr_valid,
  output wire [3:0]        o_wr_mem,
  output wire              o_wr_dual,
  output wire [15:0]       o_wr_addr,
  output wire [15:0]       o_wr_data
);
  localparam integer CTX = `SF_ISA_CTX;
  localparam integer CI  = $clog2(CTX);
  localparam integer NPAR = `SF_ISA_T_N_PARAM;
  localparam integer RL = `SF_ISA_T_RESIDUAL_LAT;
  localparam integer ZW = `SF_ZP_BITS;
  localparam integer LNU = `SF_ISA_LN_UNITS;          // sf_layernorm instances
  localparam integer UB = LNU > 1 ? $clog2(LNU) : 1;  // instance index bits
  localparam integer ULAST = LNU - 1;

  sf_eng_slot u_slot (.i_clk(i_clk), .i_rst(i_rst), .i_issue(i_issue), .i_done(o_done), .o_free(o_free));

  reg [IW-1:0] c_ins [0:CTX-1];
  reg [CI-1:0] wp, ni;
  reg [CI:0]   n_iss, n_fin;   // instructions issued, and their rows all decided: pending = n_iss != n_fin
  always @(posedge i_clk) begin
    if (i_issue) c_ins[wp] <= i_instr;
    if (i_rst) wp <= {CI{1'b0}};
    else if (i_issue) wp <= wp + 1'b1;
  end
  wire [IW-1:0] ins  = c_ins[ni];
  wire [7:0]    n    = ins[`SF_F_N_OUT];
  wire [7:0]    rows = ins[`SF_F_ROWS];
  wire [11:0]   pb   = ins[`SF_F_PBASE];

  // the active parameters (one set: a new set loads after the previous row's LayerNorm took its own)
  reg  signed [ZW-1:0] za, zb, ln_zp, ln_lo, ln_hi;
  reg  signed [4:0]    sa, sb;
  reg  [2:0]           log2n;
  reg  [15:0]          eps;
  reg  signed [5:0]    ln_shift;

  localparam [1:0] S_IDLE = 2'd0, S_PL = 2'd1, S_ROWS = 2'd2;
  reg [1:0]  st;
  reg [3:0]  pc;              // parameter load cycle
  reg [7:0]  r_left;          // rows of the instruction after the next
  reg        r_last;          // the next row is the instruction's last (r_left == 0)
  reg [7:0]  pl_cnt;          // cycles until a parameter load may start (previous row's settings taken)
  reg [7:0]  lane_cnt;        // cycles until the residual lane is free
  reg [3:0]  par_cnt;         // cycles until the first row may start after the load
  reg [8:0]  ln_cnt [0:LNU-1];  // cycles until instance u may be given a row (its ready cycle - 5)
  // Timing: each counter's "is 0" is a register (set from the counter's reload value or its 1), so the row and
  // load decisions are one gate of registers
  reg        pl_z, lane_z, par_z;
  reg [LNU-1:0] ln_z;
  reg [UB-1:0] rr;            // instance of the next row
  wire       row_go = st == S_ROWS && par_z && lane_z && ln_z[rr];
  wire       pl_go  = st == S_IDLE && n_iss != n_fin && pl_z;

  // the row being read: element j's addresses presented (registered) in cycle R + 1 + j
  reg        p_on, p_last, p_sel;
  reg  [7:0] p_left;          // elements of the row after the one presented
  reg [UB-1:0] p_u;
  wire       p_more = p_on && !p_last;
  // gamma / beta base of the instruction's rows (PMEM), set during its parameter load
  reg  [11:0] g_base, b_base;
  // the next row's addresses, kept incrementally (no multiplier): loaded from the instruction during its
  // parameter load, advanced by the strides at each row decision
  reg  [15:0] na, nb, nd;
  always @(posedge i_clk) begin
    if (st == S_PL) begin
      na <= ins[`SF_F_A];
      nb <= ins[`SF_F_B];
      nd <= ins[`SF_F_D];
    end else if (row_go) begin
      na <= na + {8'd0, ins[`SF_F_A_STRIDE]};
      nb <= nb + {8'd0, ins[`SF_F_B_STRIDE]};
      nd <= nd + {8'd0, ins[`SF_F_D_STRIDE]};
    end
  end

  // the row decision's reload values from n, registered a cycle ahead (ins = c_ins[ni] holds for more than a
  // cycle before any row decision: ni moves at the last row's decision, then a parameter load of 6 cycles comes
  // first; c_ins[ni] is written only while ni's context is free). Timing: no context select + adder in front of
  // the counters' reloads (ln_cnt 3n + 6: a three-operand add). A simulation stop compares them at each decision.
  reg  [7:0] n_m1, n_p4;
  reg  [8:0] n_3p6;
  reg        n_eq1, n_eq252;
  always @(posedge i_clk) begin
    n_m1 <= n - 8'd1;
    n_p4 <= n + 8'd4;
    n_3p6 <= {n, 1'b0} + {1'b0, n} + 9'd6;
    n_eq1 <= n == 8'd1;
    n_eq252 <= n == 8'd252;
  end
  integer u;
  always @(posedge i_clk) begin
    if (!pl_z) begin pl_cnt <= pl_cnt - 1'b1; pl_z <= pl_cnt == 8'd1; end
    if (!lane_z) begin lane_cnt <= lane_cnt - 1'b1; lane_z <= lane_cnt == 8'd1; end
    if (!par_z) begin par_cnt <= par_cnt - 1'b1; par_z <= par_cnt == 4'd1; end
    for (u = 0; u < LNU; u = u + 1)
      if (!ln_z[u]) begin ln_cnt[u] <= ln_cnt[u] - 1'b1; ln_z[u] <= ln_cnt[u] == 9'd1; end
    case (st)
      S_IDLE: if (pl_go) begin
        st <= S_PL;
        pc <= 4'd0;
        par_cnt <= NPAR[3:0] - 4'd1;
        par_z <= NPAR == 1;
      end
      S_PL: begin
        pc <= pc + 1'b1;
        if (pc == 4'd5) begin
          st <= S_ROWS;
          r_left <= rows - 8'd1;
          r_last <= rows == 8'd1;
        end
      end
      default: if (row_go) begin   // S_ROWS
        lane_cnt <= n_m1;
        lane_z <= n_eq1;
        pl_cnt <= n_p4;            // a load may start at R + n + 5
        pl_z <= n_eq252;           // (n + 4 == 0 in 8 bits)
        ln_cnt[rr] <= n_3p6;       // its next row may start at R + 3n + 7 (first element in at +6)
        ln_z[rr] <= 1'b0;          // (3n + 6 is never 0 in 9 bits for an 8-bit n)
        rr <= rr == ULAST[UB-1:0] ? {UB{1'b0}} : rr + 1'b1;
        r_left <= r_left - 1'b1;
        r_last <= r_left == 8'd1;
        if (r_last) begin
          st <= S_IDLE;
          ni <= ni + 1'b1;
        end
      end
    endcase
    if (i_issue) n_iss <= n_iss + 1'b1;
    if (row_go && r_last) n_fin <= n_fin + 1'b1;
    if (i_rst) begin
      st <= S_IDLE;
      ni <= {CI{1'b0}};
      n_iss <= {(CI+1){1'b0}};
      n_fin <= {(CI+1){1'b0}};
      pl_cnt <= 8'd0;
      lane_cnt <= 8'd0;
      par_cnt <= 4'd0;
      pl_z <= 1'b1;
      lane_z <= 1'b1;
      par_z <= 1'b1;
      for (u = 0; u < LNU; u = u + 1) begin ln_cnt[u] <= 9'd0; ln_z[u] <= 1'b1; end
      rr <= {UB{1'b0}};
    end
  end

  // parameter reads: pc k presents words 2k, 2k + 1 (from pl + 1), the data arrives a cycle later
  reg       pv;
  reg [3:0] pk;
  always @(posedge i_clk) begin
    pv <= st == S_PL || pl_go;
    pk <= pl_go ? 4'd0 : pc + 4'd1;
    if (pv) begin
      case (pk)
        4'd1: begin za <= i_pd0[ZW-1:0]; sa <= i_pd1[4:0]; end
        4'd2: begin zb <= i_pd0[ZW-1:0]; sb <= i_pd1[4:0]; end
        4'd3: begin log2n <= i_pd0[2:0]; eps <= i_pd1[15:0]; end
        4'd4: ln_shift <= i_pd1[5:0];  // word 6 (mult) is 1: the LayerNorm's rescale has no multiplier
        4'd5: begin ln_zp <= i_pd0[ZW-1:0]; ln_lo <= i_pd1[ZW-1:0]; end
        4'd6: ln_hi <= i_pd0[ZW-1:0];
        default: ;
      endcase
    end
    if (i_rst) pv <= 1'b0;
  end

  // operand reads. Timing: each address register is loaded at the end of cycle R + j with element j's address,
  // from registers only (no row decision in its select): while no element of a row follows the one presented
  // (p_more low), it takes the next row's first address (na, nb, the gamma / beta bases), so the row decided at
  // R finds its first address loaded at R + 1; then it counts up.
  // The parameter words 2k, 2k + 1 at pb + 2k, pb + 2k + 1: presented from S_IDLE (pb, pb + 1: used only if the
  // load starts, pl_go; no row is read then: a load starts at R + n + 5 of the last row, after its last element),
  // advanced by 2 a cycle in S_PL. Timing: the selects are registers (st, p_more), not pl_go, and no pb + 2 pc add.
  wire        pa_step = st == S_PL || p_more;   // (exclusive: a load starts after the last row's reads)
  wire [11:0] pa_inc = {10'd0, st == S_PL, st != S_PL};
  reg  [15:0] ca, cb;         // byte addresses of the a / b elements presented
  always @(posedge i_clk) begin
    if (pa_step) begin
      o_pa0 <= o_pa0 + pa_inc;
      o_pa1 <= o_pa1 + pa_inc;
    end else if (st == S_IDLE) begin
      o_pa0 <= pb;
      o_pa1 <= pb + 12'd1;
    end else begin
      o_pa0 <= g_base;
      o_pa1 <= b_base;
    end
    if (st == S_PL) begin
      g_base <= pb + 12'd11;
      b_base <= pb + 12'd11 + {4'd0, n};
    end
    ca <= p_more ? ca + 16'd1 : na;
    cb <= p_more ? cb + 16'd1 : nb;
    if (row_go) begin
      p_on <= 1'b1;
      p_left <= n - 8'd1;
      p_last <= n == 8'd1;
      p_u <= rr;
      p_sel <= ins[`SF_F_A_MEM] == `SF_ISA_SCR_NA_N;
    end else if (p_on) begin
      if (p_last) p_on <= 1'b0;
      p_left <= p_left - 8'd1;
      p_last <= p_left == 8'd1;
    end
    if (i_rst) p_on <= 1'b0;
  end
`ifndef SYNTHESIS
`ifndef FORMAL  // Yosys read_verilog -formal rejects $stop outside initial blocks (formal/)
  // the parameter addresses as first written (a load's from pl_go and pb + 2 pc), compared where they are used
  // (a parameter word taken: pv; an element's gamma / beta: p_on); the reload values at each row decision
  reg [11:0] pa0_chk, pa1_chk;
  always @(posedge i_clk) begin
    if (pl_go) begin
      pa0_chk <= pb; pa1_chk <= pb + 12'd1;
    end else if (st == S_PL) begin
      pa0_chk <= pb + {7'd0, pc, 1'b0} + 12'd2; pa1_chk <= pb + {7'd0, pc, 1'b0} + 12'd3;
    end else if (p_more) begin
      pa0_chk <= pa0_chk + 12'd1; pa1_chk <= pa1_chk + 12'd1;
    end else begin
      pa0_chk <= g_base; pa1_chk <= b_base;
    end
    if (!i_rst && (((pv || p_on) && (o_pa0 != pa0_chk || o_pa1 != pa1_chk)) || ((pl_go || st == S_PL) && p_more) ||
                   (row_go && (n_m1 != n - 8'd1 || n_p4 != n + 8'd4 || n_3p6 != {n, 1'b0} + {1'b0, n} + 9'd6 ||
                               n_eq1 != (n == 8'd1) || n_eq252 != (n == 8'd252))))) begin
      $display("sf_eng_n: a registered parameter address or row reload value disagrees");
      $stop;
    end
  end
`endif
`endif
  assign o_a_addr = {1'b0, ca[15:1]};
  assign o_b_addr = {1'b0, cb[15:1]};
  // cycle R + 2 + j: the data; gamma and beta delayed to the LayerNorm input (residual_add: RL cycles)
  reg        f_v, f_last, f_sel;
  reg [UB-1:0] f_u;
  reg         odd_a, odd_b;
  always @(posedge i_clk) begin
    f_v <= p_on;
    f_last <= p_last;
    f_u <= p_u;
    f_sel <= p_sel;
    odd_a <= ca[0];
    odd_b <= cb[0];
    if (i_rst) f_v <= 1'b0;
  end
  wire [15:0] aw = f_sel ? i_a_data[31:16] : i_a_data[15:0];
  reg  [7:0]  a_byte, b_byte;
  always @* begin
    a_byte = odd_a ? aw[15:8] : aw[7:0];
    b_byte = odd_b ? i_b_data[15:8] : i_b_data[7:0];
  end
  reg  [`SF_LN_GAMMA_BITS-1:0] g_d [0:RL-1];
  reg  [`SF_LN_BETA_BITS-1:0]  b_d [0:RL-1];
  reg  [RL-1:0] l_d;
  reg  [UB-1:0] u_d [0:RL-1];
  integer k;
  always @(posedge i_clk) begin
    g_d[0] <= i_pd0[`SF_LN_GAMMA_BITS-1:0];
    b_d[0] <= i_pd1[`SF_LN_BETA_BITS-1:0];
    u_d[0] <= f_u;
    for (k = 1; k < RL; k = k + 1) begin g_d[k] <= g_d[k-1]; b_d[k] <= b_d[k-1]; u_d[k] <= u_d[k-1]; end
    l_d <= {l_d[RL-2:0], f_last};
  end
  wire                       x_v;
  wire [`SF_RES_OUT_BITS-1:0] x;
  sf_residual_add u_res (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(f_v), .o_ready(), .i_a(a_byte), .i_b(b_byte), .i_za(za), .i_zb(zb),
    .i_sa(sa), .i_sb(sb), .o_valid(x_v), .i_ready(1'b1), .o_y(x));

  // the LayerNorm instances; per instance the destination of the row it is reading (in) and writing (out)
  reg  [15:0] m_in_addr [0:LNU-1], m_out_addr [0:LNU-1];
  reg  [3:0]  m_in_mem [0:LNU-1], m_out_mem [0:LNU-1];
  reg         m_in_dual [0:LNU-1], m_out_dual [0:LNU-1], m_in_last [0:LNU-1], m_out_last [0:LNU-1];
  always @(posedge i_clk) begin
    if (row_go) begin
      m_in_addr[rr] <= nd;
      m_in_mem[rr] <= ins[`SF_F_D_MEM];
      m_in_dual[rr] <= ins[4 + `SF_FLAG_DUAL];
      m_in_last[rr] <= r_last;
    end
  end
  wire [LNU-1:0]   y_v, y_last;
  wire [8*LNU-1:0] y;
  reg  [7:0]  y_lo [0:LNU-1];
  reg  [7:0]  y_m [0:LNU-1];
  reg  [LNU-1:0]   y_odd;
  genvar gu;
  generate
    for (gu = 0; gu < LNU; gu = gu + 1) begin : g_ln
      wire take = x_v && u_d[RL-1] == gu[UB-1:0];
      wire lin_last = take && l_d[RL-1];
      sf_layernorm u_ln (
        .i_clk(i_clk), .i_rst(i_rst), .i_valid(take), .o_ready(), .i_x(x), .i_gamma(g_d[RL-1]), .i_beta(b_d[RL-1]),
        .i_last(lin_last), .i_log2n(log2n), .i_eps(eps), .i_shift(ln_shift), .i_zp(ln_zp), .i_lo(ln_lo),
        .i_hi(ln_hi), .o_valid(y_v[gu]), .i_ready(1'b1), .o_y(y[gu*8 +: 8]), .o_last(y_last[gu]));
      always @(posedge i_clk) begin
        if (lin_last) begin
          m_out_addr[gu] <= m_in_addr[gu];
          m_out_mem[gu] <= m_in_mem[gu];
          m_out_dual[gu] <= m_in_dual[gu];
          m_out_last[gu] <= m_in_last[gu];
        end
        if (y_v[gu]) begin
          y_odd[gu] <= !y_odd[gu] && !y_last[gu];
          if (!y_odd[gu]) y_lo[gu] <= y[gu*8 +: 8];
          else y_m[gu] <= y_m[gu] + 8'd1;
        end
        if (y_v[gu] && y_last[gu]) y_m[gu] <= 8'd0;
        if (i_rst) begin
          y_odd[gu] <= 1'b0;
          y_m[gu] <= 8'd0;
        end
      end
    end
  endgenerate
  // the write port: the instance writing this cycle (at most one), the highest-numbered one otherwise
  wire [LNU-1:0] w = y_v & y_odd;
  reg  [UB-1:0]  ws;
  integer v;
  always @* begin
    ws = {UB{1'b0}};
    for (v = 1; v < LNU; v = v + 1) if (w[v]) ws = v[UB-1:0];
  end
  assign o_wr_valid = |w;
  assign o_wr_mem   = m_out_mem[ws];
  assign o_wr_dual  = m_out_dual[ws];
  assign o_wr_addr  = m_out_addr[ws] + {7'd0, y_m[ws], 1'b0};
  assign o_wr_data  = {y[ws*8 +: 8], y_lo[ws]};
  always @(posedge i_clk) begin
    o_done <= |(w & y_last) && m_out_last[ws];
    if (i_rst) o_done <= 1'b0;
  end
endmodule
`default_nettype wire
