// Errors point at file:line:column.
.dram 4096
load spad=act, saddr=0, dram=0x0, rows=1, cols=16, stride=16
store spad=act, saddr=0, cols=70000
end
