// SPDX-License-Identifier: Apache-2.0
// kvm_reasons.h: names of KVM exit reasons (Intel VMX, AMD SVM), as perf kvm stat prints them.
//
// A kvm_exit tracepoint carries `exit_reason` and `isa` (PW_ISA_VMX = 1,
// PW_ISA_SVM = 2, from cdict.h). The names are the kernel's uapi ones
// (VMX: "EXTERNAL_INTERRUPT", "HLT", "EPT_VIOLATION"...; SVM: "interrupt",
// "hlt", "npf"...). A number neither table knows is named "UNKNOWN_<n>".
// Any isa other than PW_ISA_SVM is looked up as VMX (older kvm_exit formats
// have no isa field; VMX is what perf kvm stat assumes on Intel hosts).
#ifndef PW_KVM_REASONS_H
#define PW_KVM_REASONS_H

#include <stddef.h>
#include <stdint.h>

#include "cdict.h"

// pw_kvm_reason_name: the name of `reason`; a static string when known, else
// "UNKNOWN_<reason>" written into buf (size bytes; 24 are always enough) and
// buf returned. Never NULL.
const char *pw_kvm_reason_name(uint32_t isa, uint32_t reason, char *buf,
			       size_t size);

// pw_kvm_reason_known: the static name, or NULL when the table lacks it.
const char *pw_kvm_reason_known(uint32_t isa, uint32_t reason);

// pw_kvm_reason_table: the number of entries of an isa's table; when i is in
// range, *code receives the i-th reason number (for listing every reason).
size_t pw_kvm_reason_table(uint32_t isa, size_t i, uint32_t *code);

#endif
