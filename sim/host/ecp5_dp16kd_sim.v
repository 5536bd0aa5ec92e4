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

  // one port: read and write of a DATA_WIDTH (1, 2, 4, 9 or 18) slice of a word. WRITEMODE on a write cycle:
  // NORMAL keeps the previous output, WRITETHROUGH shows the new data, READBEFOREWRITE the old.
  task automatic port(input integer w, input [13:0] ad, input [17:0] di, input we, input [127:0] mode,
                      inout [17:0] q);
    reg [9:0] word;
    reg [17:0] old, nw, src, nq;
    reg [13:0] bitb;
    reg [4:0] pos;
    integer i;
    begin
      bitb = 14'd0;
      word = ad[13:4];
      old = mem[word];
      nw = old;
      if (w == 18) begin
        if (we && ad[0]) nw[8:0] = di[8:0];
        if (we && ad[1]) nw[17:9] = di[17:9];
      end else if (w == 9) begin
        if (we && ad[3]) nw[17:9] = di[8:0];
        if (we && !ad[3]) nw[8:0] = di[8:0];
      end else if (w == 4 || w == 2 || w == 1) begin
        // x4 / x2 / x1: entry e = ADx[13:log2(16/w)] holds data bits e*w .. e*w+w-1 of the 16 data bits per
        // 18-bit word (the parity bits 8 and 17 are not used in these modes)
        bitb = (w == 4) ? {ad[13:2], 2'b00} : (w == 2) ? {ad[13:1], 1'b0} : ad[13:0];
        word = bitb[13:4];
        old = mem[word];
        nw = old;
        for (i = 0; i < w; i = i + 1) begin
          pos = {1'b0, bitb[3:0]} + i[4:0];
          if (pos >= 5'd8) pos = pos + 5'd1;
          if (we) nw[pos] = di[i];
        end
      end else begin
        $display("DP16KD model: DATA_WIDTH %0d is not modelled (1, 2, 4, 9, 18 and the 36-bit pseudo-dual-port mode are)", w);
        $fatal(1);
      end
      if (we) mem[word] = nw;
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
      if (!we || mode == "READBEFOREWRITE" || mode == "WRITETHROUGH") q = nq;
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
  task automatic write36(input [13:0] ad, input [35:0] di);
    reg [35:0] w;
    begin
      w = {mem[{ad[13:5], 1'b1}], mem[{ad[13:5], 1'b0}]};
      if (ad[0]) w[8:0] = di[8:0];
      if (ad[1]) w[17:9] = di[17:9];
      if (ad[2]) w[26:18] = di[26:18];
      if (ad[3]) w[35:27] = di[35:27];
      mem[{ad[13:5], 1'b0}] = w[17:0];
      mem[{ad[13:5], 1'b1}] = w[35:18];
    end
  endtask

  always @(posedge CLKA) begin
    if (X36 != 0) begin
      if (CEA && sela && WEA) write36(ada, {dib, dia});
    end else begin
      if (CEA && sela) port(DATA_WIDTH_A, ada, dia, WEA, WRITEMODE_A, qa);
      if (RSTA) ra <= 18'd0;
      else if (OCEA) ra <= qa;
    end
  end
  always @(posedge CLKB) begin
    if (X36 != 0) begin
      if (CEB && selb) q36 = {mem[{adb[13:5], 1'b1}], mem[{adb[13:5], 1'b0}]};
    end else begin
      if (CEB && selb) port(DATA_WIDTH_B, adb, dib, WEB, WRITEMODE_B, qb);
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
