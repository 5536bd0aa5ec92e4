// sf_eng_io: the IO unit's engine -- INPUT: the raw window (IBUF, int16 Q10.6) -> last reading, and
// (raw - last) through one sf_shift_rescale lane into the encoder input (d, L rows) and the decoder input
// (b, S rows: label_len readings, then zeros), one byte per cycle into X_IO. Also holds `last` for OUTPUT.
// Timing (docs/core.md): issued at t, parameters read t+2..t+4, element e read from IBUF at t + 5 + e,
// (raw - last) registered at t + 7 + e, rescaled, written at t + IO_LAT + e (11); complete (o_done) the cycle
// after the last write.
`default_nettype none
`include "sf_isa.vh"
`include "sf_policy.vh"
module sf_eng_io #(
  parameter integer IW = `SF_ISA_INSTR_WORDS * 32
) (
  input  wire              i_clk,
  input  wire              i_rst,
  input  wire              i_issue,
  input  wire [IW-1:0]     i_instr,
  output wire              o_free,
  output reg               o_done,
  // parameter memory (its own region), registered read
  output reg  [11:0]       o_pa0,
  output reg  [11:0]       o_pa1,
  input  wire [31:0]       i_pd0,
  input  wire [31:0]       i_pd1,
  // raw window, registered read
  output reg  [5:0]        o_ib_addr,
  input  wire [15:0]       i_ib_data,
  // scratch writes: one byte (nbytes 1) per cycle
  output wire              o_wr_valid,
  output wire [3:0]        o_wr_mem,
  output wire [15:0]       o_wr_addr,
  output wire [15:0]       o_wr_data,
  output reg  [15:0]       o_last
);
  sf_eng_slot u_slot (.i_clk(i_clk), .i_rst(i_rst), .i_issue(i_issue), .i_done(o_done), .o_free(o_free));

  reg  [IW-1:0] ins;
  wire [7:0]  L      = ins[`SF_F_ROWS];
  wire [7:0]  ll     = ins[`SF_F_N_IN];
  reg         run;
  reg  [8:0]  cnt;           // cycles since issue
  reg  [8:0]  e;             // element being read
  reg  [15:0] mult;
  reg  signed [`SF_RS_SHIFT_BITS-1:0] shift;
  reg  signed [`SF_ZP_BITS-1:0] zp, lo, hi;
  reg  [8:0]  n_el;          // L + S, registered at the issue
  // incremental addresses (no multiplier): encoder row e at d + e d_stride, decoder row j at b + j b_stride,
  // the decoder's reading j at IBUF L - label_len + j
  reg  [15:0] da, ba;
  reg  [5:0]  jb;
  reg  [8:0]  jn;            // decoder row index j = e - L

  // element pipeline: read (R) -> data (D: raw - last) -> E (the rescale input register) -> 4 rescale stages
  // -> write
  reg         rv, dv, ev, e_last;
  reg  [3:0]  e_mem;
  reg  [15:0] e_addr;
  reg  signed [16:0] e_diff;
  reg  [3:0]  r_mem, d_mem;
  reg  [15:0] r_addr, d_addr;
  reg         r_zero, d_zero, r_last, d_last;
  reg  [3:0]  p_last;
  reg  [3:0]  p_mem [0:3];
  reg  [15:0] p_addr [0:3];
  // Timing: rd (element e is read this cycle) and enc (e < L, an encoder row) are registers, set a cycle
  // ahead (at cnt 2 from n_el and L, then from equalities of e with registered n_el - 1, L - 1), so that the
  // address registers' enables come from registers, not from comparators (the routed critical paths)
  reg         rd, enc;
  reg  [8:0]  n_m1;          // n_el - 1
  reg  [7:0]  l_m1;          // L - 1
  wire        e_end = e == n_m1;               // e is the last element
  wire        e_enc_end = e == {1'b0, l_m1};   // e is the last encoder row
  wire [7:0]  i_rows = i_instr[`SF_F_ROWS], i_nin = i_instr[`SF_F_N_IN];
  wire        unused_io = &{1'b0, i_rows[7:6], i_nin[7:6]};
  always @(posedge i_clk) begin
    if (i_issue) begin
      ins <= i_instr;
      run <= 1'b1;
      cnt <= 9'd0;
      e <= 9'd0;
      n_el <= {1'b0, i_instr[`SF_F_ROWS]} + {1'b0, i_instr[`SF_F_N_OUT]};
      da <= i_instr[`SF_F_D];
      ba <= i_instr[`SF_F_B];
      jb <= i_rows[5:0] - i_nin[5:0];
      jn <= 9'd0;
    end else if (run) begin
      cnt <= cnt + 1'b1;
      if (rd) e <= e + 1'b1;
      if (rd && enc) da <= da + {8'd0, ins[`SF_F_D_STRIDE]};
      if (rd && !enc) begin
        ba <= ba + {8'd0, ins[`SF_F_B_STRIDE]};
        jb <= jb + 6'd1;
        jn <= jn + 9'd1;
      end
    end
    // rd, enc for the next cycle: the first element is read at cnt 3 (e = 0), then one per cycle to n_el - 1
    if (cnt == 9'd0) begin n_m1 <= n_el - 9'd1; l_m1 <= L - 8'd1; end
    if (i_issue) rd <= 1'b0;
    else if (run && cnt == 9'd2) begin rd <= n_el != 9'd0; enc <= L != 8'd0; end
    else if (rd) begin rd <= !e_end; enc <= enc && !e_enc_end; end
    // parameters: words 0..4 at pbase, two per cycle from t+1
    case (cnt)
      9'd0: begin o_pa0 <= ins[`SF_F_PBASE]; o_pa1 <= ins[`SF_F_PBASE] + 12'd1; o_ib_addr <= L[5:0] - 6'd1; end
      9'd1: begin o_pa0 <= ins[`SF_F_PBASE] + 12'd2; o_pa1 <= ins[`SF_F_PBASE] + 12'd3; end
      9'd2: begin o_pa0 <= ins[`SF_F_PBASE] + 12'd4; end
      default: ;
    endcase
    // (registered addresses set at cnt k are read at k + 1; the data arrives at k + 2)
    if (run && cnt == 9'd2) begin mult <= i_pd0[15:0]; shift <= i_pd1[`SF_RS_SHIFT_BITS-1:0]; o_last <= i_ib_data; end
    if (run && cnt == 9'd3) begin zp <= i_pd0[`SF_ZP_BITS-1:0]; lo <= i_pd1[`SF_ZP_BITS-1:0]; end
    if (run && cnt == 9'd4) hi <= i_pd0[`SF_ZP_BITS-1:0];
    // R: IBUF address of element e (cycle t + 5 + e)
    rv <= rd;
    r_last <= rd && e_end;
    if (rd) begin
      if (enc) begin
        o_ib_addr <= e[5:0];
        r_mem <= ins[`SF_F_D_MEM];
        r_addr <= da;
        r_zero <= 1'b0;
      end else begin
        o_ib_addr <= jb;
        r_mem <= ins[`SF_F_B_MEM];
        r_addr <= ba;
        r_zero <= jn >= {1'b0, ll};
      end
    end
    dv <= rv; d_mem <= r_mem; d_addr <= r_addr; d_zero <= r_zero; d_last <= r_last;
    ev <= dv; e_mem <= d_mem; e_addr <= d_addr; e_last <= d_last;
    p_last <= {p_last[2:0], e_last};
    p_mem[0] <= e_mem; p_addr[0] <= e_addr;
    p_mem[1] <= p_mem[0]; p_addr[1] <= p_addr[0];
    p_mem[2] <= p_mem[1]; p_addr[2] <= p_addr[1];
    p_mem[3] <= p_mem[2]; p_addr[3] <= p_addr[2];
    if (r_last || (run && cnt == 9'd3 && !rd)) run <= 1'b0;  // the cycle after the last read (e == n_el)
    o_done <= yv && p_last[3];  // the cycle after the last write
    if (i_rst) begin
      run <= 1'b0;
      rd <= 1'b0;
      rv <= 1'b0;
      dv <= 1'b0;
      ev <= 1'b0;
      e_last <= 1'b0;
      p_last <= 4'd0;
      r_last <= 1'b0;
      d_last <= 1'b0;
      o_done <= 1'b0;
    end
  end

  // (raw - last), or 0 for the decoder rows past label_len
  wire signed [16:0] diff = d_zero ? 17'sd0 : ($signed({i_ib_data[15], i_ib_data}) - $signed({o_last[15], o_last}));
  always @(posedge i_clk) e_diff <= diff;
  wire [`SF_ACT_BITS-1:0] y;
  wire yv;
  sf_shift_rescale #(.LANES(1)) u_rs (
    .i_clk(i_clk), .i_rst(i_rst), .i_valid(ev), .o_ready(),
    .i_acc({{(`SF_ACC_BITS-17){e_diff[16]}}, e_diff}), .i_mult(mult), .i_shift(shift), .i_zp(zp), .i_lo(lo), .i_hi(hi),
    .o_valid(yv), .i_ready(1'b1), .o_y(y));
  assign o_wr_valid = yv;
  assign o_wr_mem   = p_mem[3];
  assign o_wr_addr  = p_addr[3];
  assign o_wr_data  = {8'h00, y};
endmodule
`default_nettype wire
