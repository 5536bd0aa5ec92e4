// sf_core: the accelerator core (issue 5; docs/core.md). A sequencer runs the program's four instruction
// streams (units IO, W, A, N; docs/isa.md), each on its engine (rtl/core/sf_eng_*.v), over the on-chip
// memories: the program, weights (WMEM), biases (BMEM), parameters (one memory per unit's region of PMEM), the
// raw window (IBUF), the forecast (OBUF) and the scratchpad -- nine memories, each with one writer unit and
// one reading unit/operand ([[scratch]] of spec/isa.toml), so that no unit ever waits for another's port and
// each unit's timing follows from the program alone (the C++ cycle model computes it: model/compiler.h).
//
// Host side (idle only): i_hw_* writes 32-bit words (registered: the memory is written a cycle later) into PROG (id 0), WMEM (1: word w, lane k at address
// 4 w + k), PMEM (2), BMEM (3); i_ib_* writes the raw window; i_ob_addr reads the forecast (registered).
// i_start starts a forecast: header check (o_error: not MAGIC|BUILD_ID|VERSION of this build, the streams do not start), first
// fetch, then o_run rises (cycle 0) and stays high until every stream is issued and complete (o_done).
// o_dbg_*: every scratch-memory write of each engine (and the forecast writes), for the testbench's
// cycle-by-cycle comparison with the cycle model; unconnected in a synthesized top.
`default_nettype none
`include "sf_isa.vh"

module sf_core #(
  parameter integer PROG_DEPTH  = `SF_ISA_PROG_DEPTH,
  parameter integer INSTR_WORDS = `SF_ISA_INSTR_WORDS,
  parameter integer N_UNITS     = `SF_ISA_N_UNITS
) (
  input  wire         i_clk,
  input  wire         i_rst,
  input  wire         i_hw_valid,
  input  wire [7:0]   i_hw_mem,
  input  wire [15:0]  i_hw_addr,
  input  wire [31:0]  i_hw_data,
  input  wire         i_ib_valid,
  input  wire [5:0]   i_ib_addr,
  input  wire [15:0]  i_ib_data,
  input  wire [5:0]   i_ob_addr,
  output reg  [31:0]  o_ob_data,
  input  wire         i_start,
  output wire         o_run,
  output wire         o_done,
  output wire         o_error,
  // debug: engine writes (valid, memory, dual, byte address, two bytes) and forecast writes
  output wire [3:0]   o_dbg_wv,
  output wire [15:0]  o_dbg_wmem,
  output wire [3:0]   o_dbg_wdual,
  output wire [63:0]  o_dbg_waddr,
  output wire [63:0]  o_dbg_wdata,
  output wire         o_dbg_obv,
  output wire [7:0]   o_dbg_oba,
  output wire [31:0]  o_dbg_obd
);
  localparam integer IW = INSTR_WORDS * 32;
  wire [N_UNITS-1:0]    issue;
  wire [N_UNITS*IW-1:0] instr;
  wire [N_UNITS-1:0]    ufree;
  wire [N_UNITS*2-1:0]  udone;
  // host writes: registered once before the decode below, so that it starts at registers (timing: the id and
  // region decode -> write enable -> a shared port's address mux was near-critical at 100 MHz); the write
  // lands a cycle later, still long before a start (the adapter's start follows a whole frame)
  reg         hwq_v;
  reg [7:0]   hwq_mem;
  reg [15:0]  hwq_addr;
  reg [31:0]  hwq_data;
  always @(posedge i_clk) begin
    hwq_v <= i_hw_valid && !i_rst;
    hwq_mem <= i_hw_mem;
    hwq_addr <= i_hw_addr;
    hwq_data <= i_hw_data;
  end
  wire                  pw_valid = hwq_v && hwq_mem == 8'd`SF_ISA_PROG_HOST_ID;
  wire [$clog2(PROG_DEPTH)-1:0] pw_addr = hwq_addr[$clog2(PROG_DEPTH)-1:0];

  localparam integer IW_BITS = INSTR_WORDS * 32;
  localparam integer ROWS    = PROG_DEPTH / INSTR_WORDS;
  localparam integer RA_W    = $clog2(ROWS);
  localparam integer LANE_W  = $clog2(INSTR_WORDS);

  // ---- program memory: ROWS x IW_BITS read as one row, one registered read port; built as INSTR_WORDS
  // lane memories of ROWS x 32 (lane l holds word l of every row), so that each maps to its own block RAMs
  // (one 512 x 32 lane = 1 DP16KD; one ROWS x 256 memory with 32-bit write lanes costs 60: docs/ecp5_flow.md).
  // no_rw_check: the host writes only while the core is idle and never in the cycle of i_start, so a read
  // never meets a write to its row; without it Yosys emulates read-before-write with a bypass register and a
  // LUT behind every read bit (on the 100 MHz critical path, docs/ecp5_flow.md)
  wire [IW_BITS-1:0] rdata;
  wire [RA_W-1:0]    raddr;  // the sequencer's (rtl/core/sf_seq.v)
  genvar gl;
  generate
    for (gl = 0; gl < INSTR_WORDS; gl = gl + 1) begin : g_prog
      localparam [LANE_W-1:0] LI = gl;
      (* no_rw_check *) reg [31:0] lane [0:ROWS-1];
      reg [31:0] q;
      always @(posedge i_clk) begin
        if (pw_valid && pw_addr[LANE_W-1:0] == LI) lane[pw_addr[LANE_W +: RA_W]] <= hwq_data;
        q <= lane[raddr];
      end
      assign rdata[gl*32 +: 32] = q;
    end
  endgenerate

  // ---- the sequencer (rtl/core/sf_seq.v) ----
  sf_seq #(.PROG_DEPTH(PROG_DEPTH), .INSTR_WORDS(INSTR_WORDS), .N_UNITS(N_UNITS)) u_seq (.i_clk(i_clk),
    .i_rst(i_rst), .i_start(i_start), .o_raddr(raddr), .i_rdata(rdata), .o_issue(issue), .o_instr(instr),
    .i_free(ufree), .i_done(udone), .o_run(o_run), .o_done(o_done), .o_error(o_error));

  // ======================= memories and engines =======================
  wire hw_w = hwq_v && hwq_mem == 8'd`SF_ISA_WMEM_HOST_ID;
  wire hw_p = hwq_v && hwq_mem == 8'd`SF_ISA_PMEM_HOST_ID;
  wire hw_b = hwq_v && hwq_mem == 8'd`SF_ISA_BMEM_HOST_ID;
  localparam integer WA = $clog2(`SF_ISA_WMEM_DEPTH), BA = $clog2(`SF_ISA_BMEM_DEPTH);
  // sf_eng_w forms WMEM addresses of at least 10 bits; a smaller WMEM (the lite build's 512 words) uses the
  // low WA bits (the compiler keeps every weight address below the build's depth)
  localparam integer WAE = WA < 10 ? 10 : WA;

  // ---- engine ports ----
  wire [11:0] io_pa0, io_pa1, w_pa0, w_pa1, a_pa0, a_pa1, n_pa0, n_pa1;
  wire [31:0] io_pd0, io_pd1, w_pd0, w_pd1, a_pd0, a_pd1, n_pd0, n_pd1;
  wire [5:0]  ib_ra;
  reg  [15:0] ib_rd;
  wire        io_wv, w_wv, a_wv, n_wv, w_dual, n_dual;
  wire        w_we_xw, w_we_naw, w_we_nb;
  wire [15:0] w_we_qk, w_we_v;
  wire [3:0]  io_wm, w_wm, a_wm, n_wm;
  wire [15:0] io_wa, w_wa, a_wa, n_wa, io_wd, w_wd, a_wd, n_wd;
  wire [15:0] last;
  wire [WAE-1:0] wm_ra;
  wire [`SF_ISA_WMEM_WIDTH-1:0] wm_rd;
  wire [BA-1:0] bm_ra0, bm_ra1;
  wire [31:0] bm_rd0, bm_rd1;
  wire [15:0] x_ra;
  wire [63:0] x_rd;
  wire [15:0] na_ra, nb_ra;
  wire [31:0] na_rd;
  wire [15:0] nb_rd;
  localparam integer QA = $clog2(`SF_ISA_SCR_QK_DEPTH / 16), VA = $clog2(`SF_ISA_SCR_V_DEPTH / 16);
  wire [QA-1:0] qk_ra;
  wire [VA-1:0] v_ra;
  wire [127:0] qk_rd, v_rd;
  wire        ob_v;
  wire [7:0]  ob_a;
  wire [31:0] ob_d;

  sf_eng_io u_io (.i_clk(i_clk), .i_rst(i_rst), .i_issue(issue[`SF_UNIT_IO]), .i_instr(instr[`SF_UNIT_IO*IW +: IW]),
    .o_free(ufree[`SF_UNIT_IO]), .o_done(udone[`SF_UNIT_IO*2]), .o_pa0(io_pa0), .o_pa1(io_pa1), .i_pd0(io_pd0),
    .i_pd1(io_pd1), .o_ib_addr(ib_ra), .i_ib_data(ib_rd), .o_wr_valid(io_wv), .o_wr_mem(io_wm), .o_wr_addr(io_wa),
    .o_wr_data(io_wd), .o_last(last));
  sf_eng_w #(.WA(WAE)) u_w (.i_clk(i_clk), .i_rst(i_rst), .i_issue(issue[`SF_UNIT_W]), .i_instr(instr[`SF_UNIT_W*IW +: IW]),
    .o_free(ufree[`SF_UNIT_W]), .o_done(udone[`SF_UNIT_W*2]), .o_pa0(w_pa0), .o_pa1(w_pa1), .i_pd0(w_pd0),
    .i_pd1(w_pd1), .o_wmem_addr(wm_ra), .i_wmem_data(wm_rd), .o_bmem_addr0(bm_ra0), .o_bmem_addr1(bm_ra1),
    .i_bmem_data0(bm_rd0), .i_bmem_data1(bm_rd1), .o_x_addr(x_ra), .i_x_data(x_rd), .o_wr_valid(w_wv),
    .o_wr_mem(w_wm), .o_wr_dual(w_dual), .o_wr_addr(w_wa), .o_wr_data(w_wd),
    .o_we_xw(w_we_xw), .o_we_naw(w_we_naw), .o_we_nb(w_we_nb), .o_we_qk(w_we_qk), .o_we_v(w_we_v), .o_ob_valid(ob_v), .o_ob_addr(ob_a),
    .o_ob_data(ob_d), .i_last(last));
  sf_eng_a u_a (.i_clk(i_clk), .i_rst(i_rst), .i_issue(issue[`SF_UNIT_A]), .i_instr(instr[`SF_UNIT_A*IW +: IW]),
    .o_free(ufree[`SF_UNIT_A]), .o_done(udone[`SF_UNIT_A*2]), .o_pa0(a_pa0), .o_pa1(a_pa1), .i_pd0(a_pd0),
    .i_pd1(a_pd1), .o_qk_addr(qk_ra), .i_qk_data(qk_rd), .o_v_addr(v_ra), .i_v_data(v_rd), .o_wr_valid(a_wv),
    .o_wr_mem(a_wm), .o_wr_addr(a_wa), .o_wr_data(a_wd));
  sf_eng_n u_n (.i_clk(i_clk), .i_rst(i_rst), .i_issue(issue[`SF_UNIT_N]), .i_instr(instr[`SF_UNIT_N*IW +: IW]),
    .o_free(ufree[`SF_UNIT_N]), .o_done(udone[`SF_UNIT_N*2]), .o_pa0(n_pa0), .o_pa1(n_pa1), .i_pd0(n_pd0),
    .i_pd1(n_pd1), .o_a_addr(na_ra), .i_a_data(na_rd), .o_b_addr(nb_ra), .i_b_data(nb_rd), .o_wr_valid(n_wv),
    .o_wr_mem(n_wm), .o_wr_dual(n_dual), .o_wr_addr(n_wa), .o_wr_data(n_wd));
  assign udone[1] = 1'b0;
  assign udone[3] = 1'b0;
  assign udone[5] = 1'b0;
  assign udone[7] = 1'b0;

  // ---- weights, biases, parameters ----
  sf_ram #(.WIDTH(`SF_ISA_WMEM_WIDTH), .DEPTH(`SF_ISA_WMEM_DEPTH)) u_wmem (.i_clk(i_clk),
    .i_we({(`SF_ISA_WMEM_WIDTH/8){hw_w}} & ({{(`SF_ISA_WMEM_WIDTH/8-4){1'b0}}, 4'hF} << {hwq_addr[1:0], 2'b00})),
    .i_waddr(hwq_addr[WA+1:2]), .i_wdata({(`SF_ISA_WMEM_WIDTH/32){hwq_data}}), .i_raddr0(wm_ra[WA-1:0]), .o_rdata0(wm_rd),
    .i_raddr1({WA{1'b0}}), .o_rdata1());
  sf_ram #(.WIDTH(32), .DEPTH(`SF_ISA_BMEM_DEPTH), .NREAD(2), .SHARE_W(1)) u_bmem (.i_clk(i_clk), .i_we({4{hw_b}}),
    .i_waddr(hwq_addr[BA-1:0]), .i_wdata(hwq_data), .i_raddr0(bm_ra0), .o_rdata0(bm_rd0), .i_raddr1(bm_ra1),
    .o_rdata1(bm_rd1));
  // PMEM regions: one memory per unit
  wire pw_w  = hw_p && hwq_addr < `SF_ISA_PREG_W_BASE + `SF_ISA_PREG_W_DEPTH;
  wire pw_a  = hw_p && hwq_addr >= `SF_ISA_PREG_A_BASE && hwq_addr < `SF_ISA_PREG_A_BASE + `SF_ISA_PREG_A_DEPTH;
  wire pw_io = hw_p && hwq_addr >= `SF_ISA_PREG_IO_BASE && hwq_addr < `SF_ISA_PREG_IO_BASE + `SF_ISA_PREG_IO_DEPTH;
  wire pw_n  = hw_p && hwq_addr >= `SF_ISA_PREG_N_BASE && hwq_addr < `SF_ISA_PREG_N_BASE + `SF_ISA_PREG_N_DEPTH;
  wire [15:0] pa_w = hwq_addr - `SF_ISA_PREG_W_BASE, pa_a = hwq_addr - `SF_ISA_PREG_A_BASE;
  wire [15:0] pa_io = hwq_addr - `SF_ISA_PREG_IO_BASE, pa_n = hwq_addr - `SF_ISA_PREG_N_BASE;
  wire [11:0] w_ra0 = w_pa0 - `SF_ISA_PREG_W_BASE, w_ra1 = w_pa1 - `SF_ISA_PREG_W_BASE;
  wire [11:0] a_ra0 = a_pa0 - `SF_ISA_PREG_A_BASE, a_ra1 = a_pa1 - `SF_ISA_PREG_A_BASE;
  wire [11:0] io_ra0 = io_pa0 - `SF_ISA_PREG_IO_BASE, io_ra1 = io_pa1 - `SF_ISA_PREG_IO_BASE;
  wire [11:0] n_ra0 = n_pa0 - `SF_ISA_PREG_N_BASE, n_ra1 = n_pa1 - `SF_ISA_PREG_N_BASE;
  localparam integer PWA = $clog2(`SF_ISA_PREG_W_DEPTH), PAA = $clog2(`SF_ISA_PREG_A_DEPTH);
  localparam integer PIA = $clog2(`SF_ISA_PREG_IO_DEPTH), PNA = $clog2(`SF_ISA_PREG_N_DEPTH);
  sf_ram #(.WIDTH(32), .DEPTH(`SF_ISA_PREG_W_DEPTH), .NREAD(2), .SHARE_W(1)) u_pm_w (.i_clk(i_clk), .i_we({4{pw_w}}),
    .i_waddr(pa_w[PWA-1:0]), .i_wdata(hwq_data), .i_raddr0(w_ra0[PWA-1:0]), .o_rdata0(w_pd0),
    .i_raddr1(w_ra1[PWA-1:0]), .o_rdata1(w_pd1));
  sf_ram #(.WIDTH(32), .DEPTH(`SF_ISA_PREG_A_DEPTH), .NREAD(2), .SHARE_W(1)) u_pm_a (.i_clk(i_clk), .i_we({4{pw_a}}),
    .i_waddr(pa_a[PAA-1:0]), .i_wdata(hwq_data), .i_raddr0(a_ra0[PAA-1:0]), .o_rdata0(a_pd0),
    .i_raddr1(a_ra1[PAA-1:0]), .o_rdata1(a_pd1));
  sf_ram #(.WIDTH(32), .DEPTH(`SF_ISA_PREG_IO_DEPTH), .NREAD(2), .SHARE_W(1)) u_pm_io (.i_clk(i_clk), .i_we({4{pw_io}}),
    .i_waddr(pa_io[PIA-1:0]), .i_wdata(hwq_data), .i_raddr0(io_ra0[PIA-1:0]), .o_rdata0(io_pd0),
    .i_raddr1(io_ra1[PIA-1:0]), .o_rdata1(io_pd1));
  sf_ram #(.WIDTH(32), .DEPTH(`SF_ISA_PREG_N_DEPTH), .NREAD(2), .SHARE_W(1)) u_pm_n (.i_clk(i_clk), .i_we({4{pw_n}}),
    .i_waddr(pa_n[PNA-1:0]), .i_wdata(hwq_data), .i_raddr0(n_ra0[PNA-1:0]), .o_rdata0(n_pd0),
    .i_raddr1(n_ra1[PNA-1:0]), .o_rdata1(n_pd1));

  // ---- raw window and forecast ----
  reg [15:0] ibuf [0:`SF_ISA_IBUF_DEPTH-1];
  reg [31:0] obuf [0:`SF_ISA_OBUF_DEPTH-1];
  always @(posedge i_clk) begin
    if (i_ib_valid) ibuf[i_ib_addr] <= i_ib_data;
    ib_rd <= ibuf[ib_ra];
    if (ob_v) obuf[ob_a[5:0]] <= ob_d;
    o_ob_data <= obuf[i_ob_addr];
  end

  // ---- the scratch memories ----
  // 16-bit memories: word = byte address >> 1; a one-byte write (IO) uses its byte's enable
  function [1:0] be16(input a0, input one);
    be16 = one ? (a0 ? 2'b10 : 2'b01) : 2'b11;
  endfunction
  // W's writes: its registered per-memory enables (sf_eng_w o_we_*; timing: the decode of w_wv / w_wm and the
  // byte-lane shift behind the block RAMs' byte enables was a late path at 100 MHz), checked below against the
  // decode of its write port
  wire wq_xw  = w_we_xw;
  wire wq_naw = w_we_naw;
  wire wq_nb  = w_we_nb;
`ifndef SYNTHESIS
`ifndef FORMAL
  wire [15:0] be128 = 16'b11 << {w_wa[3:1], 1'b0};
  always @(posedge i_clk)
    if (!i_rst && (w_we_xw != (w_wv && w_wm == `SF_ISA_SCR_X_W)
                   || w_we_naw != (w_wv && (w_wm == `SF_ISA_SCR_NA_W || w_dual))
                   || w_we_nb != (w_wv && w_wm == `SF_ISA_SCR_NB)
                   || w_we_qk != ({16{w_wv && w_wm == `SF_ISA_SCR_QK}} & be128)
                   || w_we_v != ({16{w_wv && w_wm == `SF_ISA_SCR_V}} & be128))) begin
      $display("sf_core: W's registered write enables disagree with its write port");
      $stop;
    end
`endif
`endif
  wire nq_xn  = n_wv && n_wm == `SF_ISA_SCR_X_N;
  wire nq_nan = n_wv && (n_wm == `SF_ISA_SCR_NA_N || n_dual);
  `define SF_SCR16(NAME, DEPTHB, WE, WA_, WD, RA, RD) \
    sf_ram #(.WIDTH(16), .DEPTH(DEPTHB / 2)) NAME (.i_clk(i_clk), .i_we(WE), \
      .i_waddr(WA_[$clog2(DEPTHB / 2):1]), .i_wdata(WD), .i_raddr0(RA[$clog2(DEPTHB / 2)-1:0]), .o_rdata0(RD), \
      .i_raddr1({$clog2(DEPTHB / 2){1'b0}}), .o_rdata1());
  `SF_SCR16(u_x_io, `SF_ISA_SCR_X_IO_DEPTH, {2{io_wv}} & be16(io_wa[0], 1'b1), io_wa, {io_wd[7:0], io_wd[7:0]}, x_ra, x_rd[15:0])
  `SF_SCR16(u_x_w, `SF_ISA_SCR_X_W_DEPTH, {2{wq_xw}}, w_wa, w_wd, x_ra, x_rd[31:16])
  `SF_SCR16(u_x_a, `SF_ISA_SCR_X_A_DEPTH, {2{a_wv}}, a_wa, a_wd, x_ra, x_rd[47:32])
  `SF_SCR16(u_x_n, `SF_ISA_SCR_X_N_DEPTH, {2{nq_xn}}, n_wa, n_wd, x_ra, x_rd[63:48])
  `SF_SCR16(u_na_w, `SF_ISA_SCR_NA_W_DEPTH, {2{wq_naw}}, w_wa, w_wd, na_ra, na_rd[15:0])
  `SF_SCR16(u_na_n, `SF_ISA_SCR_NA_N_DEPTH, {2{nq_nan}}, n_wa, n_wd, na_ra, na_rd[31:16])
  `SF_SCR16(u_nb, `SF_ISA_SCR_NB_DEPTH, {2{wq_nb}}, w_wa, w_wd, nb_ra, nb_rd)
  `undef SF_SCR16
  // 128-bit memories: word = byte address >> 4, the two bytes' enables at (address >> 1) & 7 (o_we_qk, o_we_v)
  sf_ram #(.WIDTH(128), .DEPTH(`SF_ISA_SCR_QK_DEPTH / 16)) u_qk (.i_clk(i_clk), .i_we(w_we_qk),
    .i_waddr(w_wa[QA+3:4]), .i_wdata({8{w_wd}}), .i_raddr0(qk_ra), .o_rdata0(qk_rd), .i_raddr1({QA{1'b0}}),
    .o_rdata1());
  sf_ram #(.WIDTH(128), .DEPTH(`SF_ISA_SCR_V_DEPTH / 16)) u_v (.i_clk(i_clk), .i_we(w_we_v),
    .i_waddr(w_wa[VA+3:4]), .i_wdata({8{w_wd}}), .i_raddr0(v_ra), .o_rdata0(v_rd), .i_raddr1({VA{1'b0}}),
    .o_rdata1());

  // address sums are as wide as the instruction fields; each memory uses its own low bits
  wire unused_addr = &{1'b0, wm_ra, x_ra, na_ra, nb_ra, pa_w, pa_a, pa_io, pa_n, w_ra0, w_ra1, a_ra0, a_ra1, io_ra0, io_ra1,
                       n_ra0, n_ra1};
  assign o_dbg_wv    = {n_wv, a_wv, w_wv, io_wv};
  assign o_dbg_wmem  = {n_wm, a_wm, w_wm, io_wm};
  assign o_dbg_wdual = {n_dual, 1'b0, w_dual, 1'b0};
  assign o_dbg_waddr = {n_wa, a_wa, w_wa, io_wa};
  assign o_dbg_wdata = {n_wd, a_wd, w_wd, io_wd};
  assign o_dbg_obv   = ob_v;
  assign o_dbg_oba   = ob_a;
  assign o_dbg_obd   = ob_d;
endmodule
`default_nettype wire
