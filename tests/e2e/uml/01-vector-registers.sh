# radios: 0
# The guest kernel keeps every process's vector registers. UML moves each
# guest process's XSAVE area through ptrace and through signal frames
# (patches/uml-6.1/0001 sizes it from the host, 0002 puts all of it in
# signal frames): a wrong length or a short copy shows up here as a
# register that changed under a process. Processes and threads (threads
# share one host process in UML, so only the saved copy keeps them apart)
# hold distinct values in every vector register the CPU has (zmm0-31 and
# k1-7 with AVX-512), yield and get preempted thousands of times, and check
# them; then with signals whose handler loads other values arriving while
# the registers hold them.
V="$WM_BUILD/tests/e2e/host/vecregs"
say "host XSAVE area: $("$WM_BUILD/tests/e2e/host/xsave-size") bytes"
check vector-registers-across-switches "$V" -p 4 -t 2 -r 3000
check vector-registers-across-signals "$V" -p 3 -t 2 -r 2000 -a
# The narrower register files too, on CPUs that have wider ones.
"$V" -k avx -p 1 -t 1 -r 1 >/dev/null 2>&1
if [ $? -ne 2 ]; then # 2: this CPU has no AVX
	check ymm-registers-across-signals "$V" -k avx -p 2 -t 2 -r 1000 -a
fi
check xmm-registers-across-signals "$V" -k sse -p 2 -t 2 -r 1000 -a
