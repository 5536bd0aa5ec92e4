# issue 8: each libFuzzer target for FUZZ_QUICK_SECONDS (25 s) after its seed/reproducer regression (mk/hardening.mk)
stage fuzz make fuzz-quick
