# SPDX-License-Identifier: Apache-2.0
# tests/browser/browser.mk: the browser tests' helper build/tests/html-from-json (a page from a JSON file).
include dashgen/web/web.mk

$(B)/tests/html-from-json: tests/browser/html-from-json.c $(PW_HTML_OBJ) $(B)/libpwcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Idashgen -o $@ $< $(PW_HTML_OBJ) $(B)/libpwcommon.a $(LDLIBS_ZM)
test-unit: $(B)/tests/html-from-json
