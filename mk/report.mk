# --- experiments report (issue 7): layer sensitivity, QAT vs PTQ, Pareto, plots, generalization ---
#   make report         the default sweep (<= 60 min on 2 cores): build/report/REPORT.md and PNGs
#   make report-quick   the same points with tiny epoch budgets (a few minutes; CI), same output files
#   make -j2 report     fan the points out (each point is its own target, build/report/points*/NAME.json)
#   make report-points  run the sweep points only;  make report-clean  remove the points and the report
#   make report-models; make -s report-list | parallel -j2 make {}   the same points through GNU parallel
# Each point is one shiftformer command writing JSON; scripts/report.py only assembles (stdlib + matplotlib).
# Hardware figures are read when present (never made up): RP_SYNTH_JSON, RP_HW_DIR/*.json, RP_SIM_JSON,
# RP_SPEED_JSON, RP_RTL_FORECASTS; scripts/report.py's docstring gives their format.
RP_VARIANT  ?= full
RP_DIR      ?= $(BUILD)/report
RP_SF       ?= $(SF)
RP_CONFIG   ?= configs/default.toml
RP_THREADS  ?= 0
RP_GEN_TARGET ?= HUFL
RP_GEN_DATA ?= data/ETT/ETTh1.csv
RP_SYNTH_JSON    ?= $(BUILD)/synth/report.json
RP_HW_DIR        ?= $(BUILD)/synth/points
RP_SIM_JSON      ?= $(BUILD)/sim/summary.json
RP_SPEED_JSON    ?= $(BUILD)/sim/speed.json
RP_RTL_FORECASTS ?= $(BUILD)/sim/forecasts.csv

# Epoch budgets per point. full: FP32 training up to the config's 30 epochs with early stopping (patience 8);
# QAT (patience 3, best epoch kept) 4 epochs for the bit-width points, 2 for the layer-sensitivity points
# (the tool's default is 6; the shorter budgets keep the 21 runs under 60 minutes on 2 cores).
# quick: a smaller model (d_model 16, 2 heads, d_ff 32, 1 + 1 layers), 1024 training windows, FP32 3 epochs,
# QAT 1 epoch, 256 calibration windows: checks the pipeline, its figures are not the default model's.
ifeq ($(RP_VARIANT),quick)
  RP_PTS        := $(RP_DIR)/points-quick
  RP_TRAIN_ARGS := --epochs 3 --set train.max_train_windows=1024 --set model.d_model=16 --set model.n_heads=2 \
                   --set model.d_ff=32 --set model.enc_layers=1
  RP_QAT_BITS   := --epochs 1 --calib 256
  RP_QAT_SENS   := --epochs 1 --calib 256
else ifeq ($(RP_VARIANT),full)
  RP_PTS        := $(RP_DIR)/points
  RP_TRAIN_ARGS :=
  RP_QAT_BITS   := --epochs 4
  RP_QAT_SENS   := --epochs 2
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
ifeq ($(RP_VARIANT),full)
  RP_POINTS += $(RP_PTS)/gen-fp32.train.json $(RP_PTS)/gen-fp32.eval.json $(RP_PTS)/gen-all2.json
endif

.PHONY: report report-quick report-points report-tool report-clean report-models report-list
report:
	@mkdir -p $(RP_DIR) && echo "$$(date +%s) $$(cut -d' ' -f1-3 /proc/loadavg)" > $(RP_DIR)/.start
	$(MAKE) --no-print-directory report-points RP_VARIANT=$(RP_VARIANT)
	@echo "$$(date +%s) $$(cut -d' ' -f1-3 /proc/loadavg)" > $(RP_DIR)/.end
	$(PYTHON) scripts/report.py --variant $(RP_VARIANT) --points $(RP_PTS) --out $(RP_DIR) \
	  --start-file $(RP_DIR)/.start --end-file $(RP_DIR)/.end --data $(DATA) --config $(RP_CONFIG) --build $(BUILD) \
	  --synth-json $(RP_SYNTH_JSON) --hw-dir $(RP_HW_DIR) --sim-json $(RP_SIM_JSON) \
	  --speed-json $(RP_SPEED_JSON) --rtl-forecasts $(RP_RTL_FORECASTS) --gen-target $(RP_GEN_TARGET) \
	  --gen-data $(RP_GEN_DATA) --make-jobs "$(filter -j%,$(MAKEFLAGS))" --train-args "$(RP_TRAIN_ARGS)" \
	  --qat-bits-args "$(RP_QAT_BITS)" --qat-sens-args "$(RP_QAT_SENS)"
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
$(foreach w,$(RP_WIDTHS),$(eval $(call rp_quant_point,bits-all$(w),--preset all$(w),$(RP_QAT_BITS),\
  $(if $(filter 2,$(w)),--forecasts $(RP_PTS)/bits-all2.forecasts.csv))))
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
