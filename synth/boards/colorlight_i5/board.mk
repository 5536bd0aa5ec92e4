# Colorlight i5 v7.0: board parameters of the ECP5 flow.
SF_BOARD_TOP     := sf_colorlight_i5_top
SF_BOARD_DEVICE  := 25k
SF_BOARD_PACKAGE := CABGA381
SF_BOARD_SPEED   := 6
SF_BOARD_CLKIN_MHZ := 25
SF_BOARD_LOADER  := colorlight-i5
