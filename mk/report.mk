# --- experiments report (issue 7): layer sensitivity, QAT vs PTQ, Pareto, plots, generalization ---
#   make report         the default sweep (<= 60 min on 2 cores): build/report/REPORT.md and PNGs
#   make report-quick   the same points with tiny epoch budgets (a few minutes; CI), same output files
#   make -j2 report     fan the points out (each point is its own target, build/report/points*/NAME.json)
#   make report-points  run the sweep points only;  make report-clean  remove the points and the report
#   make report-models; make -s report-list | parallel -j2 make {}   the same points through GNU parallel
# Each point is one shiftformer command writing JSON; scripts/report.py only assembles (stdlib + matplotlib).
# Hardware points (each its own target too): the weight array sf_qlinear out of context at W_MAX 2/4/8 (Yosys,
# RP_HW_DIR/qlinear-wN.json), the cycle model's latency per forecast of each bit width (shiftformer compile
# --json, points/cycles-allN.json), the RTL core in simulation on a subset of test windows with the 2-bit model
# of this sweep (sf_sim --forecasts, points/rtl-sim.json: its forecasts are compared with the integer engine's
# in the report) and Verilator against Icarus on the same windows (scripts/sim_speed.py, points/sim-speed.json).
# The whole-core synthesis (RP_SYNTH_JSON, `make synth`: ~45 min) is read when present, never run here.
# scripts/report.py's docstring gives the formats.
RP_VARIANT  ?= full
RP_DIR      ?= $(BUILD)/report
RP_SF       ?= $(SF)
RP_CONFIG   ?= configs/default.toml
RP_THREADS  ?= 0
RP_GEN_TARGET ?= HUFL
RP_GEN_DATA ?= data/ETT/ETTh1.csv
RP_SYNTH_JSON    ?= $(BUILD)/synth/report.json
RP_HW_DIR        ?= $(BUILD)/synth/points
RP_SIM_JSON      ?= $(RP_PTS)/rtl-sim.json
RP_SPEED_JSON    ?= $(RP_PTS)/sim-speed.json
RP_RTL_FORECASTS ?= $(RP_PTS)/rtl.forecasts.csv
RP_YOSYS         ?= yosys
RP_SIM           := $(BUILD)/bin/sf_sim
RP_VVP           := $(BUILD)/sim/tb_core_iv.vvp
RP_WMAX          := 2 4 8

# Epoch budgets per point. full: FP32 training up to 20 epochs with early stopping (patience 8; the config
# says 30, the default model stopped at epoch 19 with its best at 11); QAT (patience 3, best epoch kept)
# 3 epochs for the bit-width points, 1 for the layer-sensitivity points (the tool's default is 6; 4 and 2
# took 74.7 min under load 6-10, over the 60-minute budget on 2 shared cores).
# quick: a smaller model (d_model 16, 2 heads, d_ff 32, 1 + 1 layers), 1024 training windows, FP32 3 epochs,
# QAT 1 epoch, 256 calibration windows: checks the pipeline, its figures are not the default model's.
ifeq ($(RP_VARIANT),quick)
  RP_PTS        := $(RP_DIR)/points-quick
  RP_TRAIN_ARGS := --epochs 3 --set train.max_train_windows=1024 --set model.d_model=16 --set model.n_heads=2 \
                   --set model.d_ff=32 --set model.enc_layers=1
  RP_QAT_BITS   := --epochs 1 --calib 256
  RP_QAT_SENS   := --epochs 1 --calib 256
  RP_SIM_WINDOWS := --window-list 0,1400,2800
  RP_SPEED_WINDOWS := --windows 1
else ifeq ($(RP_VARIANT),full)
  RP_PTS        := $(RP_DIR)/points
  RP_TRAIN_ARGS := --epochs 20
  RP_QAT_BITS   := --epochs 3
  RP_QAT_SENS   := --epochs 1
  RP_SIM_WINDOWS := --windows 100 --window-list 0,1400,2800
  RP_SPEED_WINDOWS := --windows 2
else
  $(error RP_VARIANT=$(RP_VARIANT): must be full or quick)
endif

# layer groups of the sensitivity study: tag = quantize --bits groups
RP_GROUPS       := enc_in dec_in selfattn cross ff out
RP_GRP_enc_in   := enc_in
RP_GRP_dec_in   := dec_in
RP_GRP_selfattn := *.attn *.self
RP_GRP_cross    := *.cross
RP_GRP_ff       := *.ff
RP_GRP_out      := out
rp_comma := ,
rp_empty :=
rp_space := $(rp_empty) $(rp_empty)
rp_bits = $(subst $(rp_space),$(rp_comma),$(addsuffix =$(2),$(RP_GRP_$(1))))
RP_WIDTHS := 8 4 3 2 1
# each point's wall, user and system seconds (GNU time, when installed) into NAME.time: the CPU time says what
# the sweep costs on idle cores when other jobs share the machine
RP_TIMECMD := $(wildcard /usr/bin/time)
rp_time = $(if $(RP_TIMECMD),$(RP_TIMECMD) -o $(1).time -f '%e %U %S')

RP_CKPT     := $(RP_PTS)/fp32.ckpt
RP_GEN_CKPT := $(RP_PTS)/gen-fp32.ckpt
RP_POINTS := $(RP_PTS)/fp32.train.json $(RP_PTS)/fp32.eval.json \
  $(foreach w,$(RP_WIDTHS),$(RP_PTS)/bits-all$(w).json) $(RP_PTS)/ref-fp32.json \
  $(foreach g,$(RP_GROUPS),$(RP_PTS)/only2-$(g).json $(RP_PTS)/keep-$(g).json)
RP_POINTS += $(foreach w,$(RP_WIDTHS),$(RP_PTS)/cycles-all$(w).json) $(RP_PTS)/rtl-sim.json \
  $(RP_PTS)/sim-speed.json $(foreach w,$(RP_WMAX),$(RP_HW_DIR)/qlinear-w$(w).json)
ifeq ($(RP_VARIANT),full)
  RP_POINTS += $(RP_PTS)/gen-fp32.train.json $(RP_PTS)/gen-fp32.eval.json $(RP_PTS)/gen-all2.json
endif

.PHONY: report report-quick report-points report-tool report-rtl-tools report-clean report-models report-list
report:
	@mkdir -p $(RP_DIR) && echo "$$(date +%s) $$(cut -d' ' -f1-3 /proc/loadavg)" > $(RP_DIR)/.start && rm -f $(RP_DIR)/load.log
	@# the 1-minute load average every 30 s while the points run (the machine may be shared): load.log
	@( while :; do echo "$$(date +%s) $$(cut -d' ' -f1 /proc/loadavg)" >> $(RP_DIR)/load.log; sleep 30; done ) & \
	 sampler=$$!; $(MAKE) --no-print-directory report-points RP_VARIANT=$(RP_VARIANT); st=$$?; kill $$sampler; exit $$st
	@echo "$$(date +%s) $$(cut -d' ' -f1-3 /proc/loadavg)" > $(RP_DIR)/.end
	$(PYTHON) scripts/report.py --variant $(RP_VARIANT) --points $(RP_PTS) --out $(RP_DIR) \
	  --start-file $(RP_DIR)/.start --end-file $(RP_DIR)/.end --load-log $(RP_DIR)/load.log --data $(DATA) --config $(RP_CONFIG) --build $(BUILD) \
	  --synth-json $(RP_SYNTH_JSON) --hw-dir $(RP_HW_DIR) --sim-json $(RP_SIM_JSON) \
	  --speed-json $(RP_SPEED_JSON) --rtl-forecasts $(RP_RTL_FORECASTS) --gen-target $(RP_GEN_TARGET) \
	  --gen-data $(RP_GEN_DATA) --make-jobs="$(filter -j%,$(MAKEFLAGS))" --train-args="$(RP_TRAIN_ARGS)" \
	  --qat-bits-args="$(RP_QAT_BITS)" --qat-sens-args="$(RP_QAT_SENS)" --sim-windows="$(RP_SIM_WINDOWS)"
report-quick:
	$(MAKE) --no-print-directory report RP_VARIANT=quick
report-points: $(RP_POINTS)
report-clean:
	rm -rf $(RP_DIR)
# for an outside scheduler: the FP32 models first, then every point file is an independent `make FILE`
report-models: $(RP_PTS)/fp32.train.json $(if $(filter full,$(RP_VARIANT)),$(RP_PTS)/gen-fp32.train.json)
report-list:
	@printf '%s\n' $(RP_POINTS)

# the command-line tool only (the report needs no RTL build)
ifeq ($(RP_SF),$(SF))
report-tool: configure
	cmake --build $(BUILD) -j $(JOBS) --target shiftformer
else
report-tool:
	@test -x $(RP_SF) || { echo "report: RP_SF=$(RP_SF) is not an executable file"; exit 2; }
endif

# the Verilated core (sf_sim) and the Icarus testbench (tb_core_iv.vvp), for the RTL points
report-rtl-tools: configure
	cmake --build $(BUILD) -j $(JOBS) --target sf_sim tb_core_iv

# FP32 model: training (history per epoch in the JSON), then evaluation with the test forecasts in degrees
$(RP_CKPT) $(RP_PTS)/fp32.train.json &: | report-tool
	@mkdir -p $(RP_PTS)
	$(call rp_time,$(RP_PTS)/fp32.train) $(RP_SF) train --config $(RP_CONFIG) --set train.threads=$(RP_THREADS) \
	  $(RP_TRAIN_ARGS) --quiet \
	  --out $(RP_CKPT) --json $(RP_PTS)/fp32.train.json.tmp > $(RP_PTS)/fp32.train.log
	mv $(RP_PTS)/fp32.train.json.tmp $(RP_PTS)/fp32.train.json
# (points depend on the training's JSON, written last: a checkpoint alone may be an interrupted run's)
$(RP_PTS)/fp32.eval.json: $(RP_PTS)/fp32.train.json
	$(call rp_time,$(RP_PTS)/fp32.eval) $(RP_SF) eval --ckpt $(RP_CKPT) --forecasts $(RP_PTS)/fp32.forecasts.csv --json $@ > $(RP_PTS)/fp32.eval.log

# One quantize run per point: PTQ and QAT (both in the JSON), the integer engine on the test split, compression.
# $(1) point name, $(2) preset and --bits, $(3) QAT budget, $(4) extra options
define rp_quant_point
$(RP_PTS)/$(1).json: $(RP_PTS)/fp32.train.json
	$(call rp_time,$(RP_PTS)/$(1)) $(RP_SF) quantize --ckpt $(RP_CKPT) $(2) $(3) $(4) --quiet --json $$@.tmp > $(RP_PTS)/$(1).log
	mv $$@.tmp $$@
endef
# (the bit-width points also export their integer model, bits-allN.sfint: the cycle model's latency per forecast
# and the RTL simulation points read it)
$(foreach w,$(RP_WIDTHS),$(eval $(call rp_quant_point,bits-all$(w),--preset all$(w),$(RP_QAT_BITS),\
  --export $(RP_PTS)/bits-all$(w).sfint $(if $(filter 2,$(w)),--forecasts $(RP_PTS)/bits-all2.forecasts.csv))))
$(eval $(call rp_quant_point,ref-fp32,--preset fp32,$(RP_QAT_SENS)))
$(foreach g,$(RP_GROUPS),$(eval $(call rp_quant_point,only2-$(g),--preset fp32 '--bits=$(call rp_bits,$(g),2)',$(RP_QAT_SENS))))
$(foreach g,$(RP_GROUPS),$(eval $(call rp_quant_point,keep-$(g),--preset all2 '--bits=$(call rp_bits,$(g),32)',$(RP_QAT_SENS))))

# Generalization: the same pipeline on another target column (or another ETT-format CSV via RP_GEN_DATA)
$(RP_GEN_CKPT) $(RP_PTS)/gen-fp32.train.json &: | report-tool
	@mkdir -p $(RP_PTS)
	$(call rp_time,$(RP_PTS)/gen-fp32.train) $(RP_SF) train --config $(RP_CONFIG) --data $(RP_GEN_DATA) --target $(RP_GEN_TARGET) \
	  --set train.threads=$(RP_THREADS) $(RP_TRAIN_ARGS) --quiet --out $(RP_GEN_CKPT) \
	  --json $(RP_PTS)/gen-fp32.train.json.tmp > $(RP_PTS)/gen-fp32.train.log
	mv $(RP_PTS)/gen-fp32.train.json.tmp $(RP_PTS)/gen-fp32.train.json
$(RP_PTS)/gen-fp32.eval.json: $(RP_PTS)/gen-fp32.train.json
	$(call rp_time,$(RP_PTS)/gen-fp32.eval) $(RP_SF) eval --ckpt $(RP_GEN_CKPT) --forecasts $(RP_PTS)/gen-fp32.forecasts.csv --json $@ > $(RP_PTS)/gen-fp32.eval.log
$(RP_PTS)/gen-all2.json: $(RP_PTS)/gen-fp32.train.json
	$(call rp_time,$(RP_PTS)/gen-all2) $(RP_SF) quantize --ckpt $(RP_GEN_CKPT) --preset all2 $(RP_QAT_BITS) --quiet --json $@.tmp \
	  --forecasts $(RP_PTS)/gen-all2.forecasts.csv > $(RP_PTS)/gen-all2.log
	mv $@.tmp $@

# Latency per forecast of each bit width: the cycle model of the compiled program (shiftformer compile). A model
# that does not fit the core's memories is a point too: its JSON records the compiler's error.
define rp_cycles_point
$(RP_PTS)/cycles-all$(1).json: $(RP_PTS)/bits-all$(1).json
	@if $(call rp_time,$(RP_PTS)/cycles-all$(1)) $(RP_SF) compile --model $(RP_PTS)/bits-all$(1).sfint --json $$@.tmp > $(RP_PTS)/cycles-all$(1).log 2>&1; \
	 then mv $$@.tmp $$@; else $(PYTHON) -c 'import json, sys; print(json.dumps({"model": sys.argv[1], "error": \
	   open(sys.argv[2]).read().strip().splitlines()[-1]}))' $(RP_PTS)/bits-all$(1).sfint $(RP_PTS)/cycles-all$(1).log > $$@; fi
	@echo "cycles-all$(1): $$$$(head -c 160 $$@)"
endef
$(foreach w,$(RP_WIDTHS),$(eval $(call rp_cycles_point,$(w))))

# The RTL core in simulation: the 2-bit model of this sweep on a subset of test windows (with the forecast plot's
# windows), every forecast bit-exact against the integer engine and every write on the cycle model's cycle
$(RP_PTS)/rtl-sim.json: $(RP_PTS)/bits-all2.json | report-rtl-tools
	$(call rp_time,$(RP_PTS)/rtl-sim) $(RP_SIM) --model $(RP_PTS)/bits-all2.sfint --preset all2 $(RP_SIM_WINDOWS) \
	  --threads 2 --forecasts $(RP_PTS)/rtl.forecasts.csv --json $@.tmp > $(RP_PTS)/rtl-sim.log 2>&1
	mv $@.tmp $@

# Verilator against Icarus Verilog: same top, same windows, one thread each, compared bit for bit. On the shipped
# default 2-bit model (data/model), the same in both variants: Icarus's 4-state X pessimism turns 22 of the 24
# forecasts of the quick variant's d_model-16 model into X where Verilator (2-state, random initial values) and
# the integer engine agree (measured 2026-11-29), so that model cannot be compared bit for bit.
RP_SPEED_MODEL ?= data/model/default-all2.sfint
$(RP_PTS)/sim-speed.json: $(RP_SPEED_MODEL) | report-rtl-tools
	@mkdir -p $(RP_PTS)
	$(call rp_time,$(RP_PTS)/sim-speed) $(PYTHON) scripts/sim_speed.py --sf-sim $(RP_SIM) --vvp $(RP_VVP) \
	  --model $(RP_SPEED_MODEL) --preset all2 $(RP_SPEED_WINDOWS) --work $(RP_PTS)/sim-speed \
	  --json $@ > $(RP_PTS)/sim-speed.log 2>&1

# The weight array (sf_qlinear at the core's W_LANES x W_KPAR) out of context at W_MAX bits: what selective
# precision costs in logic (Yosys synth_ecp5, ~15 s CPU each)
$(RP_HW_DIR)/qlinear-w%.json: rtl/sf_qlinear.v synth/units/synth_units.py | configure
	@mkdir -p $(RP_HW_DIR)
	$(call rp_time,$(basename $@)) $(PYTHON) synth/units/synth_units.py --qlinear-wmax $* --point-json $@ --yosys $(RP_YOSYS) --gen $(BUILD)/generated

.PHONY: sim-speed
# make sim-speed: Verilator against Icarus on the shipped model (SPEED_WINDOWS windows): build/sim/speed.json
SPEED_WINDOWS ?= 2
sim-speed: report-rtl-tools
	$(PYTHON) scripts/sim_speed.py --sf-sim $(RP_SIM) --vvp $(RP_VVP) --model data/model/default-all2.sfint \
	  --windows $(SPEED_WINDOWS) --work $(BUILD)/sim/speed --json $(BUILD)/sim/speed.json
