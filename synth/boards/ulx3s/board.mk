# ULX3S: board parameters of the ECP5 flow (Makefile section "ECP5 flow and host interface (issue 6)").
SF_BOARD_TOP     := sf_ulx3s_top
SF_BOARD_DEVICE  := 25k
SF_BOARD_PACKAGE := CABGA381
SF_BOARD_SPEED   := 6
SF_BOARD_LOADER  := ulx3s
