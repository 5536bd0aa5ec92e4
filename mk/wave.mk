# --- waveforms of the accelerator core (issue 5 item 8) ---
#   make wave       one forecast of the shipped model through the Verilated core (build/bin/sf_sim --fst), FST in
#                   build/wave/sf_core.fst, opened in GTKWave with the layout sim/core/sf_core.gtkw (host interface,
#                   sequencer, one group per engine: W, A, N, IO)
#   make wave-png   the same layout rendered headless (xvfb-run, sim/core/sf_core_wave.tcl) to docs/img/sf_core_wave.png:
#                   from the last IBUF writes to WAVE_CYCLES cycles after o_run rises, in a WAVE_SIZE window (every
#                   signal of the layout on one screen; the layout itself opens at 1400x900)
# WAVE_MODEL=path.sfint (or MODEL=path.sfint) picks another exported model; each run writes the FST anew.
# One clock cycle is 2 time units (ps) in the FST.
WAVE_MODEL  ?= $(if $(filter %.sfint,$(MODEL)),$(MODEL),$(or $(SIM_MODEL),data/model/default-all2.sfint))
WAVE_DIR    ?= $(BUILD)/wave
WAVE_FST    := $(WAVE_DIR)/sf_core.fst
WAVE_GTKW   := sim/core/sf_core.gtkw
WAVE_TCL    := sim/core/sf_core_wave.tcl
WAVE_PNG    ?= docs/img/sf_core_wave.png
WAVE_CYCLES ?= 6000
WAVE_SIZE   ?= 1600 1860
WAVE_SCREEN ?= 1600x1860x24
.PHONY: wave wave-fst wave-png
wave-fst: configure
	cmake --build $(BUILD) -j $(JOBS) --target sf_sim
	@mkdir -p $(WAVE_DIR)
	@[ -f $(WAVE_MODEL) ] || { echo "wave: no model $(WAVE_MODEL) (WAVE_MODEL=path.sfint)"; exit 2; }
	$(BUILD)/bin/sf_sim --model $(WAVE_MODEL) --windows 1 --fst $(WAVE_FST)
wave: wave-fst
	gtkwave $(WAVE_FST) $(WAVE_GTKW)
wave-png: wave-fst
	@command -v xvfb-run >/dev/null && command -v gtkwave >/dev/null || { echo "wave-png: needs xvfb-run and gtkwave (scripts/setup.sh)"; exit 2; }
	@mkdir -p $(dir $(WAVE_PNG))
	sed 's/^\[size\].*/[size] $(WAVE_SIZE)/' $(WAVE_GTKW) >$(WAVE_DIR)/sf_core_png.gtkw
	SF_WAVE_PNG=$(WAVE_DIR)/sf_core_wave.raw.png SF_WAVE_CYCLES=$(WAVE_CYCLES) xvfb-run -a -s "-screen 0 $(WAVE_SCREEN)" \
	  gtkwave --rcvar 'hide_sst on' --rcvar 'do_resize_signals off' -S $(WAVE_TCL) $(WAVE_FST) $(WAVE_DIR)/sf_core_png.gtkw \
	  >$(WAVE_DIR)/gtkwave.log 2>&1 \
	  || { cat $(WAVE_DIR)/gtkwave.log; exit 1; }
	@grep 'sf_core_wave.tcl' $(WAVE_DIR)/gtkwave.log
	$(PYTHON) scripts/png_trim.py $(WAVE_DIR)/sf_core_wave.raw.png $(WAVE_PNG)
