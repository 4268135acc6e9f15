# SPDX-License-Identifier: Apache-2.0
# tests/browser/browser.mk: the browser tests' helper build/tests/html-from-json (a page from a JSON file).

$(B)/tests/html-from-json: tests/browser/html-from-json.c $(B)/libpwdash.a $(B)/libpwcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Idashgen $(LDFLAGS) -o $@ $(filter-out %.h,$^) $(LDLIBS_ZM) -lm
test-build: $(B)/tests/html-from-json
