// sf_eng_n_diff: sf_eng_n (RTL) and sf_eng_n_syn (its synth_ecp5 netlist, the module renamed) side by side on
// the same inputs, for tb_eng_n_diff.cpp. The two output sets are packed as the same fields (see the bench).
`default_nettype none
module sf_eng_n_diff (
  input  wire         i_clk,
  input  wire         i_rst,
  input  wire         i_issue,
  input  wire [255:0] i_instr,
  input  wire [31:0]  i_pd0,
  input  wire [31:0]  i_pd1,
  input  wire [31:0]  i_a_data,
  input  wire [15:0]  i_b_data,
  output wire [95:0]  o_rtl,
  output wire [95:0]  o_syn
);
  // {wr_data, wr_addr, wr_dual, wr_mem, wr_valid, b_addr, a_addr, pa1, pa0, done, free}
  sf_eng_n u_rtl (.i_clk(i_clk), .i_rst(i_rst), .i_issue(i_issue), .i_instr(i_instr), .o_free(o_rtl[0]),
    .o_done(o_rtl[1]), .o_pa0(o_rtl[13:2]), .o_pa1(o_rtl[25:14]), .i_pd0(i_pd0), .i_pd1(i_pd1),
    .o_a_addr(o_rtl[41:26]), .i_a_data(i_a_data), .o_b_addr(o_rtl[57:42]), .i_b_data(i_b_data),
    .o_wr_valid(o_rtl[58]), .o_wr_mem(o_rtl[62:59]), .o_wr_dual(o_rtl[63]), .o_wr_addr(o_rtl[79:64]),
    .o_wr_data(o_rtl[95:80]));
  sf_eng_n_syn u_syn (.i_clk(i_clk), .i_rst(i_rst), .i_issue(i_issue), .i_instr(i_instr), .o_free(o_syn[0]),
    .o_done(o_syn[1]), .o_pa0(o_syn[13:2]), .o_pa1(o_syn[25:14]), .i_pd0(i_pd0), .i_pd1(i_pd1),
    .o_a_addr(o_syn[41:26]), .i_a_data(i_a_data), .o_b_addr(o_syn[57:42]), .i_b_data(i_b_data),
    .o_wr_valid(o_syn[58]), .o_wr_mem(o_syn[62:59]), .o_wr_dual(o_syn[63]), .o_wr_addr(o_syn[79:64]),
    .o_wr_data(o_syn[95:80]));
endmodule
`default_nettype wire
