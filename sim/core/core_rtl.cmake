# sim/core/core_rtl.cmake: the RTL file list and the Verilator arguments of sf_core, shared by every
# testbench that Verilates the core (sim/core: C++; sim/systemc: SystemC). Included, not a subdirectory.
file(GLOB SF_CORE_ENGINES ${CMAKE_SOURCE_DIR}/rtl/core/*.v)
set(SF_CORE_RTL ${CMAKE_SOURCE_DIR}/rtl/sf_core.v ${SF_CORE_ENGINES}
    ${CMAKE_SOURCE_DIR}/rtl/sf_qlinear.v ${CMAKE_SOURCE_DIR}/rtl/sf_shift_rescale.v
    ${CMAKE_SOURCE_DIR}/rtl/sf_round_shift.v ${CMAKE_SOURCE_DIR}/rtl/sf_round_shift_clamp.v
    ${CMAKE_SOURCE_DIR}/rtl/sf_saturate.v ${CMAKE_SOURCE_DIR}/rtl/sf_actmac.v
    ${CMAKE_SOURCE_DIR}/rtl/sf_softmax.v ${CMAKE_SOURCE_DIR}/rtl/sf_exp2neg.v ${CMAKE_SOURCE_DIR}/rtl/sf_log2fix.v
    ${CMAKE_SOURCE_DIR}/rtl/sf_layernorm.v ${CMAKE_SOURCE_DIR}/rtl/sf_rsqrt_fix.v
    ${CMAKE_SOURCE_DIR}/rtl/sf_residual_add.v)
set(SF_CORE_VARGS -Wall -Wno-fatal --x-assign unique --x-initial unique -O3 --assert -I${CMAKE_BINARY_DIR}/generated
    -I${CMAKE_SOURCE_DIR}/rtl -I${CMAKE_SOURCE_DIR}/rtl/core ${CMAKE_SOURCE_DIR}/rtl/sf_waivers.vlt)
