/*
 * Prints the bytes of XSAVE area this CPU and kernel use for a process:
 * CPUID leaf 0xD, sub-leaf 0, EBX (the size for the features the kernel
 * enabled in XCR0), or 512 (the legacy FXSAVE area) without XSAVE. The
 * host kernel accepts PTRACE_SETREGSET(NT_X86_XSTATE) of exactly this
 * length; a UML kernel must be able to hold it (scripts/uml-preflight).
 */
#include <stdio.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

int main(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
		return 1;
	/* OSXSAVE: the kernel turned XSAVE on. */
	if (!(ecx & bit_OSXSAVE)) {
		puts("512");
		return 0;
	}
	__cpuid_count(0xd, 0, eax, ebx, ecx, edx);
	printf("%u\n", ebx);
	return 0;
}
#else
int main(void)
{
	fputs("xsave-size: not an x86 CPU\n", stderr);
	return 1;
}
#endif
