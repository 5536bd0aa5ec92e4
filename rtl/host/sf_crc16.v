// sf_crc16: one byte of CRC-16/CCITT-FALSE (MSB first, not reflected), combinational.
// o_crc = crc after shifting i_data (MSB first) into i_crc. Init and polynomial: spec/host_protocol.toml.
// C++ twin: sf::host::crc16_update() in model/host_frame.cpp.
`default_nettype none
`include "sf_host_spec.vh"
module sf_crc16 (
  input  wire [15:0] i_crc,
  input  wire [7:0]  i_data,
  output reg  [15:0] o_crc
);
  integer k;
  always @* begin
    o_crc = i_crc ^ {i_data, 8'h00};
    for (k = 0; k < 8; k = k + 1)
      o_crc = o_crc[15] ? ({o_crc[14:0], 1'b0} ^ `SF_HOST_CRC_POLY) : {o_crc[14:0], 1'b0};
  end
endmodule
`default_nettype wire
