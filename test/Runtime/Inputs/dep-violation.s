// The GEMM reads what the load queue wrote without a push/pop between them.
load spad=act, saddr=0, dram=0x0, rows=1, cols=16, stride=16
.loc "attn/qk"
gemm dst=0, a=0, w=0, m=1, k=16, n=4
end
