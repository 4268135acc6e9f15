// SPDX-License-Identifier: Apache-2.0
// unit-kvm-reasons.c: the exit reason tables against the kernel's own uapi lists.
//
// The oracle is the system's <asm/vmx.h> VMX_EXIT_REASONS and <asm/svm.h>
// SVM_EXIT_REASONS (linux-libc-dev), the lists perf kvm stat prints from.
#include <stdlib.h>

#include "check.h"
#include "kvm_reasons.h"

#if __has_include(<asm/vmx.h>) && __has_include(<asm/svm.h>)
#define HAVE_UAPI 1
#include <asm/vmx.h>
// SVM_EXIT_REASONS names exception vectors the uapi header does not define
#define DE_VECTOR 0
#define DB_VECTOR 1
#define BP_VECTOR 3
#define OF_VECTOR 4
#define BR_VECTOR 5
#define UD_VECTOR 6
#define NM_VECTOR 7
#define DF_VECTOR 8
#define TS_VECTOR 10
#define NP_VECTOR 11
#define SS_VECTOR 12
#define GP_VECTOR 13
#define PF_VECTOR 14
#define MF_VECTOR 16
#define AC_VECTOR 17
#define MC_VECTOR 18
#define XM_VECTOR 19
#include <asm/svm.h>

struct uapi_reason {
	long long code;
	const char *name;
};

static const struct uapi_reason uapi_vmx[] = { VMX_EXIT_REASONS };
static const struct uapi_reason uapi_svm[] = { SVM_EXIT_REASONS };

static void check_list(uint32_t isa, const struct uapi_reason *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = pw_kvm_reason_known(isa, (uint32_t)l[i].code);
		check_str(got, l[i].name);
	}
	// and nothing more than the header's list
	check_uint(pw_kvm_reason_table(isa, 0, NULL), ==, n);
}

static void test_vmx_matches_uapi(void)
{
	check_list(PW_ISA_VMX, uapi_vmx, sizeof(uapi_vmx) / sizeof(*uapi_vmx));
}

static void test_svm_matches_uapi(void)
{
	check_list(PW_ISA_SVM, uapi_svm, sizeof(uapi_svm) / sizeof(*uapi_svm));
}
#endif

static void test_known_names(void)
{
	char buf[24];

	// hand-checked against perf kvm stat report output on Intel and AMD
	check_str(pw_kvm_reason_name(PW_ISA_VMX, 1, buf, sizeof(buf)), "EXTERNAL_INTERRUPT");
	check_str(pw_kvm_reason_name(PW_ISA_VMX, 12, buf, sizeof(buf)), "HLT");
	check_str(pw_kvm_reason_name(PW_ISA_VMX, 48, buf, sizeof(buf)), "EPT_VIOLATION");
	check_str(pw_kvm_reason_name(PW_ISA_VMX, 30, buf, sizeof(buf)), "IO_INSTRUCTION");
	check_str(pw_kvm_reason_name(PW_ISA_SVM, 0x60, buf, sizeof(buf)), "interrupt");
	check_str(pw_kvm_reason_name(PW_ISA_SVM, 0x78, buf, sizeof(buf)), "hlt");
	check_str(pw_kvm_reason_name(PW_ISA_SVM, 0x400, buf, sizeof(buf)), "npf");
	check_str(pw_kvm_reason_name(PW_ISA_SVM, 0x4e, buf, sizeof(buf)), "PF excp");
	check_str(pw_kvm_reason_name(PW_ISA_SVM, 0xffffffffu, buf, sizeof(buf)), "invalid_guest_state");
	// an isa of 0 (old kvm_exit without isa) reads as VMX
	check_str(pw_kvm_reason_name(0, 12, buf, sizeof(buf)), "HLT");
}

static void test_unknown_names(void)
{
	char buf[24];

	check_str(pw_kvm_reason_name(PW_ISA_VMX, 123, buf, sizeof(buf)), "UNKNOWN_123");
	check_str(pw_kvm_reason_name(PW_ISA_VMX, 5, buf, sizeof(buf)), "UNKNOWN_5");
	check_str(pw_kvm_reason_name(PW_ISA_SVM, 1, buf, sizeof(buf)), "UNKNOWN_1");
	check_str(pw_kvm_reason_name(PW_ISA_VMX, 4294967295u, buf, sizeof(buf)), "UNKNOWN_4294967295");
	check(pw_kvm_reason_known(PW_ISA_VMX, 123) == NULL);
}

int main(void)
{
#ifdef HAVE_UAPI
	TEST(test_vmx_matches_uapi(), "vmx table equals <asm/vmx.h> VMX_EXIT_REASONS");
	TEST(test_svm_matches_uapi(), "svm table equals <asm/svm.h> SVM_EXIT_REASONS");
#else
	printf("skip - no <asm/vmx.h> to compare with\n");
#endif
	TEST(test_known_names(), "known reasons by isa");
	TEST(test_unknown_names(), "unknown reasons are UNKNOWN_<n>");
	return check_done();
}
