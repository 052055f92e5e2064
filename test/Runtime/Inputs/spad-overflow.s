// tern-edge's vec scratchpad is 64 KiB.
load spad=vec, saddr=65500, dram=0x0, rows=1, cols=64, stride=64
end
