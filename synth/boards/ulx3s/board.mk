# ULX3S: board parameters of the ECP5 flow (Makefile section "ECP5 flow and host interface (issue 6)").
# Default part: LFE5U-85F. The board top with the accelerator core needs 123 DP16KD, 66 MULT18X18D and about
# 46,000 LUT4 (README "ECP5 implementation"): more than a 25F (56 / 28 / 24,288) or a 45F (108 / 72 / 43,848)
# has. DEVICE=25k|45k still selects the smaller parts (for the test-responder build,
# SF_SYN_PARAMS='-chparam CORE 0').
SF_BOARD_TOP     := sf_ulx3s_top
SF_BOARD_DEVICE  := 85k
SF_BOARD_PACKAGE := CABGA381
SF_BOARD_SPEED   := 6
SF_BOARD_LOADER  := ulx3s
