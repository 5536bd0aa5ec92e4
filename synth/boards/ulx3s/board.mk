# ULX3S: board parameters of the ECP5 flow (Makefile section "ECP5 flow and host interface (issue 6)").
# Default part: LFE5U-25F with the lite core build (spec/isa.toml [[build]] lite: 2-bit weights, memories of
# the default model; CORE_BUILD defaults to lite on every part but the 85F). DEVICE=85k selects the LFE5U-85F
# and the full build (2/4/8-bit weights: 123 DP16KD, 66 MULT18X18D, ~46,000 LUT4 before issue 6's memory
# work; docs/ecp5_flow.md), which no smaller part holds.
SF_BOARD_TOP     := sf_ulx3s_top
SF_BOARD_DEVICE  := 25k
SF_BOARD_PACKAGE := CABGA381
SF_BOARD_SPEED   := 6
SF_BOARD_CLKIN_MHZ := 25
SF_BOARD_LOADER  := ulx3s
