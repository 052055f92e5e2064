.input "x", i8, [8, 32], 0x0
.output "y", i8, [8, 32], 0x100
load spad=act, saddr=0, dram=0x0, rows=8, cols=32, stride=32
push from=load, to=store
pop from=load, to=store
store spad=act, saddr=0, dram=0x100, rows=8, cols=32, stride=32
end
