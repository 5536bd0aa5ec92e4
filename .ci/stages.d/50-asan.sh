# issue 8: every C++ test under AddressSanitizer + UndefinedBehaviorSanitizer (mk/hardening.mk, Makefile)
stage asan make test-asan
