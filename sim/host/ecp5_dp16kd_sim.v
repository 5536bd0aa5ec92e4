// DP16KD: a behavioural model of the ECP5 true-dual-port 18 kbit block RAM for post-synthesis simulation.
// Yosys' share/ecp5/cells_sim.v declares DP16KD as a black box (no contents, outputs undriven), so
// sim/host builds its netlist simulation with this model instead (the black box is stripped from a copy of
// cells_sim.v at configure time). Covered: DATA_WIDTH 1, 2, 4, 9 and 18 per port, the 36-bit pseudo-dual-port mode (x18: ADx[1:0] are the byte write
// enables; x9: ADx[13:3] is the address),
// REGMODE NOREG / OUTREG, WRITEMODE NORMAL / WRITETHROUGH (read data = written data) / READBEFOREWRITE,
// CSDECODE, CE, OCE, RST (output register only). Not covered: INITVAL (contents start at zero; the host
// interface initializes nothing) and clock inversion (CLKxMUX). Simulation only.
`default_nettype none
module DP16KD #(
  parameter integer DATA_WIDTH_A = 18, parameter integer DATA_WIDTH_B = 18,
  parameter REGMODE_A = "NOREG", parameter REGMODE_B = "NOREG",
  parameter RESETMODE = "SYNC", parameter ASYNC_RESET_RELEASE = "SYNC",
  parameter CSDECODE_A = "0b000", parameter CSDECODE_B = "0b000",
  parameter WRITEMODE_A = "NORMAL", parameter WRITEMODE_B = "NORMAL",
  parameter GSR = "ENABLED", parameter CLKAMUX = "CLKA", parameter CLKBMUX = "CLKB",
  parameter INITVAL_00 = 320'h0, parameter INITVAL_01 = 320'h0, parameter INITVAL_02 = 320'h0, parameter
  INITVAL_03 = 320'h0, parameter INITVAL_04 = 320'h0, parameter INITVAL_05 = 320'h0, parameter INITVAL_06 =
  320'h0, parameter INITVAL_07 = 320'h0, parameter INITVAL_08 = 320'h0, parameter INITVAL_09 = 320'h0, parameter
  INITVAL_0A = 320'h0, parameter INITVAL_0B = 320'h0, parameter INITVAL_0C = 320'h0, parameter INITVAL_0D =
  320'h0, parameter INITVAL_0E = 320'h0, parameter INITVAL_0F = 320'h0, parameter INITVAL_10 = 320'h0, parameter
  INITVAL_11 = 320'h0, parameter INITVAL_12 = 320'h0, parameter INITVAL_13 = 320'h0, parameter INITVAL_14 =
  320'h0, parameter INITVAL_15 = 320'h0, parameter INITVAL_16 = 320'h0, parameter INITVAL_17 = 320'h0, parameter
  INITVAL_18 = 320'h0, parameter INITVAL_19 = 320'h0, parameter INITVAL_1A = 320'h0, parameter INITVAL_1B =
  320'h0, parameter INITVAL_1C = 320'h0, parameter INITVAL_1D = 320'h0, parameter INITVAL_1E = 320'h0, parameter
  INITVAL_1F = 320'h0, parameter INITVAL_20 = 320'h0, parameter INITVAL_21 = 320'h0, parameter INITVAL_22 =
  320'h0, parameter INITVAL_23 = 320'h0, parameter INITVAL_24 = 320'h0, parameter INITVAL_25 = 320'h0, parameter
  INITVAL_26 = 320'h0, parameter INITVAL_27 = 320'h0, parameter INITVAL_28 = 320'h0, parameter INITVAL_29 =
  320'h0, parameter INITVAL_2A = 320'h0, parameter INITVAL_2B = 320'h0, parameter INITVAL_2C = 320'h0, parameter
  INITVAL_2D = 320'h0, parameter INITVAL_2E = 320'h0, parameter INITVAL_2F = 320'h0, parameter INITVAL_30 =
  320'h0, parameter INITVAL_31 = 320'h0, parameter INITVAL_32 = 320'h0, parameter INITVAL_33 = 320'h0, parameter
  INITVAL_34 = 320'h0, parameter INITVAL_35 = 320'h0, parameter INITVAL_36 = 320'h0, parameter INITVAL_37 =
  320'h0, parameter INITVAL_38 = 320'h0, parameter INITVAL_39 = 320'h0, parameter INITVAL_3A = 320'h0, parameter
  INITVAL_3B = 320'h0, parameter INITVAL_3C = 320'h0, parameter INITVAL_3D = 320'h0, parameter INITVAL_3E =
  320'h0, parameter INITVAL_3F = 320'h0,
  parameter INIT_DATA = "STATIC"
) (
  input wire DIA17, DIA16, DIA15, DIA14, DIA13, DIA12, DIA11, DIA10, DIA9, DIA8, DIA7, DIA6, DIA5, DIA4, DIA3,
             DIA2, DIA1, DIA0,
  input wire ADA13, ADA12, ADA11, ADA10, ADA9, ADA8, ADA7, ADA6, ADA5, ADA4, ADA3, ADA2, ADA1, ADA0,
  input wire CEA, OCEA, CLKA, WEA, RSTA, CSA2, CSA1, CSA0,
  output wire DOA17, DOA16, DOA15, DOA14, DOA13, DOA12, DOA11, DOA10, DOA9, DOA8, DOA7, DOA6, DOA5, DOA4,
              DOA3, DOA2, DOA1, DOA0,
  input wire DIB17, DIB16, DIB15, DIB14, DIB13, DIB12, DIB11, DIB10, DIB9, DIB8, DIB7, DIB6, DIB5, DIB4, DIB3,
             DIB2, DIB1, DIB0,
  input wire ADB13, ADB12, ADB11, ADB10, ADB9, ADB8, ADB7, ADB6, ADB5, ADB4, ADB3, ADB2, ADB1, ADB0,
  input wire CEB, OCEB, CLKB, WEB, RSTB, CSB2, CSB1, CSB0,
  output wire DOB17, DOB16, DOB15, DOB14, DOB13, DOB12, DOB11, DOB10, DOB9, DOB8, DOB7, DOB6, DOB5, DOB4,
              DOB3, DOB2, DOB1, DOB0
);
  reg [17:0] mem[0:1023];  // 1024 x 18; narrower ports address slices of these words
  integer i;
  initial begin
    for (i = 0; i < 1024; i = i + 1) mem[i] = 18'd0;
    if (
      |{INITVAL_00, INITVAL_01, INITVAL_02, INITVAL_03, INITVAL_04, INITVAL_05, INITVAL_06, INITVAL_07,
      INITVAL_08, INITVAL_09, INITVAL_0A, INITVAL_0B, INITVAL_0C, INITVAL_0D, INITVAL_0E, INITVAL_0F,
      INITVAL_10, INITVAL_11, INITVAL_12, INITVAL_13, INITVAL_14, INITVAL_15, INITVAL_16, INITVAL_17,
      INITVAL_18, INITVAL_19, INITVAL_1A, INITVAL_1B, INITVAL_1C, INITVAL_1D, INITVAL_1E, INITVAL_1F,
      INITVAL_20, INITVAL_21, INITVAL_22, INITVAL_23, INITVAL_24, INITVAL_25, INITVAL_26, INITVAL_27,
      INITVAL_28, INITVAL_29, INITVAL_2A, INITVAL_2B, INITVAL_2C, INITVAL_2D, INITVAL_2E, INITVAL_2F,
      INITVAL_30, INITVAL_31, INITVAL_32, INITVAL_33, INITVAL_34, INITVAL_35, INITVAL_36, INITVAL_37,
      INITVAL_38, INITVAL_39, INITVAL_3A, INITVAL_3B, INITVAL_3C, INITVAL_3D, INITVAL_3E, INITVAL_3F}
    ) begin
      $display("DP16KD model: INITVAL contents are not modelled (all must be zero)");
      $fatal(1);
    end
  end

  function automatic [2:0] csdec(input [39:0] s);  // "0bXYZ" -> 3'bXYZ
    csdec = {s[16], s[8], s[0]};
  endfunction

  wire [17:0] dia = {DIA17, DIA16, DIA15, DIA14, DIA13, DIA12, DIA11, DIA10, DIA9, DIA8, DIA7, DIA6, DIA5, DIA4,
                     DIA3, DIA2, DIA1, DIA0};
  wire [17:0] dib = {DIB17, DIB16, DIB15, DIB14, DIB13, DIB12, DIB11, DIB10, DIB9, DIB8, DIB7, DIB6, DIB5, DIB4,
                     DIB3, DIB2, DIB1, DIB0};
  wire [13:0] ada = {ADA13, ADA12, ADA11, ADA10, ADA9, ADA8, ADA7, ADA6, ADA5, ADA4, ADA3, ADA2, ADA1, ADA0};
  wire [13:0] adb = {ADB13, ADB12, ADB11, ADB10, ADB9, ADB8, ADB7, ADB6, ADB5, ADB4, ADB3, ADB2, ADB1, ADB0};
  wire sela = {CSA2, CSA1, CSA0} == csdec(CSDECODE_A);
  wire selb = {CSB2, CSB1, CSB0} == csdec(CSDECODE_B);

  reg [17:0] qa, qb, ra, rb;

  // Race-free as a clocked model must be: a port's read data (qa, qb, q36) and every memory write are
  // non-blocking assignments, so logic clocked on the same edge samples the previous output (the block RAM's
  // clock-to-out) whatever order the simulator runs the processes in, and a read on one port sees the word
  // as it was before the edge even if the other port writes it then (the hardware leaves that collision
  // undefined; synth_ecp5 does not rely on it). With blocking assignments here, Verilator's process order
  // decided which cycle's data the downstream flip-flops took: the N engine's LayerNorm beta buffer (x36)
  // returned a row's next word in the post-synthesis core and not in a trace build (docs/ecp5_flow.md).
  //
  // one port: read and write of a DATA_WIDTH (1, 2, 4, 9 or 18) slice of a word. WRITEMODE on a write cycle:
  // NORMAL keeps the previous output, WRITETHROUGH shows the new data, READBEFOREWRITE the old. Returns the
  // word index, the bits to write (wm) with their data (wd), and the new read data (nq, valid when upd).
  task automatic port(input integer w, input [13:0] ad, input [17:0] di, input we, input [127:0] mode,
                      output [9:0] word, output [17:0] wm, output [17:0] wd, output [17:0] nq, output upd);
    reg [17:0] old, nw, src;
    reg [13:0] bitb;
    reg [4:0] pos;
    integer i;
    begin
      bitb = 14'd0;
      word = ad[13:4];
      wm = 18'd0;
      wd = 18'd0;
      if (w == 18) begin
        if (ad[0]) begin wm[8:0] = 9'h1ff; wd[8:0] = di[8:0]; end
        if (ad[1]) begin wm[17:9] = 9'h1ff; wd[17:9] = di[17:9]; end
      end else if (w == 9) begin
        if (ad[3]) begin wm[17:9] = 9'h1ff; wd[17:9] = di[8:0]; end
        else begin wm[8:0] = 9'h1ff; wd[8:0] = di[8:0]; end
      end else if (w == 4 || w == 2 || w == 1) begin
        // x4 / x2 / x1: entry e = ADx[13:log2(16/w)] holds data bits e*w .. e*w+w-1 of the 16 data bits per
        // 18-bit word (the parity bits 8 and 17 are not used in these modes)
        bitb = (w == 4) ? {ad[13:2], 2'b00} : (w == 2) ? {ad[13:1], 1'b0} : ad[13:0];
        word = bitb[13:4];
        for (i = 0; i < w; i = i + 1) begin
          pos = {1'b0, bitb[3:0]} + i[4:0];
          if (pos >= 5'd8) pos = pos + 5'd1;
          wm[pos] = 1'b1;
          wd[pos] = di[i];
        end
      end else begin
        $display("DP16KD model: DATA_WIDTH %0d is not modelled (1, 2, 4, 9, 18 and the 36-bit pseudo-dual-port mode are)", w);
        $fatal(1);
      end
      if (!we) wm = 18'd0;
      old = mem[word];
      nw = (old & ~wm) | (wd & wm);
      src = (!we || mode == "READBEFOREWRITE") ? old : nw;
      if (w == 18) nq = src;
      else if (w == 9) nq = {9'd0, ad[3] ? src[17:9] : src[8:0]};
      else begin
        nq = 18'd0;
        for (i = 0; i < w; i = i + 1) begin
          pos = {1'b0, bitb[3:0]} + i[4:0];
          if (pos >= 5'd8) pos = pos + 5'd1;
          nq[i] = src[pos];
        end
      end
      upd = !we || mode == "READBEFOREWRITE" || mode == "WRITETHROUGH";
    end
  endtask

  // x36 pseudo-dual-port mode (DATA_WIDTH_A = DATA_WIDTH_B = 36, as Yosys' brams_map_16kd.v maps a 512 x 36
  // memory): port A writes {DIB, DIA} at ADA[13:5] with byte enables ADA[3:0] (9 bits each, WEA = 1), port B
  // reads {DOB, DOA} from ADB[13:5] (NOREG). The 36-bit word w is kept as mem[2w] (low 18) and mem[2w + 1].
  localparam integer X36 = (DATA_WIDTH_A == 36 || DATA_WIDTH_B == 36) ? 1 : 0;
  initial begin
    if (X36 != 0 && (DATA_WIDTH_A != 36 || DATA_WIDTH_B != 36 || REGMODE_B != "NOREG")) begin
      $display("DP16KD model: the 36-bit mode is modelled with both widths 36 and NOREG only");
      $fatal(1);
    end
  end
  reg [35:0] q36;
  wire [35:0] m36 = {{9{ada[3]}}, {9{ada[2]}}, {9{ada[1]}}, {9{ada[0]}}};  // x36 byte enables
  wire [35:0] d36 = {dib, dia};

  // the memory is written bit by bit (wm / m36), so two ports writing different bits of a word on the same
  // edge both take effect
  reg [9:0]  wa_word, wb_word;
  reg [17:0] wa_m, wa_d, wb_m, wb_d, nqa, nqb;
  reg        upa, upb;
  integer    ka, kb;
  always @(posedge CLKA) begin
    if (X36 != 0) begin
      if (CEA && sela && WEA)
        for (ka = 0; ka < 36; ka = ka + 1)
          if (m36[ka]) mem[{ada[13:5], ka >= 18}][ka % 18] <= d36[ka];
    end else begin
      if (CEA && sela) begin
        port(DATA_WIDTH_A, ada, dia, WEA, WRITEMODE_A, wa_word, wa_m, wa_d, nqa, upa);
        for (ka = 0; ka < 18; ka = ka + 1) if (wa_m[ka]) mem[wa_word][ka] <= wa_d[ka];
        if (upa) qa <= nqa;
      end
      if (RSTA) ra <= 18'd0;
      else if (OCEA) ra <= qa;
    end
  end
  always @(posedge CLKB) begin
    if (X36 != 0) begin
      if (CEB && selb) q36 <= {mem[{adb[13:5], 1'b1}], mem[{adb[13:5], 1'b0}]};
    end else begin
      if (CEB && selb) begin
        port(DATA_WIDTH_B, adb, dib, WEB, WRITEMODE_B, wb_word, wb_m, wb_d, nqb, upb);
        for (kb = 0; kb < 18; kb = kb + 1) if (wb_m[kb]) mem[wb_word][kb] <= wb_d[kb];
        if (upb) qb <= nqb;
      end
      if (RSTB) rb <= 18'd0;
      else if (OCEB) rb <= qb;
    end
  end
  wire [17:0] oa = (X36 != 0) ? q36[17:0] : (REGMODE_A == "OUTREG") ? ra : qa;
  wire [17:0] ob = (X36 != 0) ? q36[35:18] : (REGMODE_B == "OUTREG") ? rb : qb;
  assign {DOA17, DOA16, DOA15, DOA14, DOA13, DOA12, DOA11, DOA10, DOA9, DOA8, DOA7, DOA6, DOA5, DOA4, DOA3, DOA2,
          DOA1, DOA0} = oa;
  assign {DOB17, DOB16, DOB15, DOB14, DOB13, DOB12, DOB11, DOB10, DOB9, DOB8, DOB7, DOB6, DOB5, DOB4, DOB3, DOB2,
          DOB1, DOB0} = ob;
endmodule
`default_nettype wire
