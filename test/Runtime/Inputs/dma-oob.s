.dram 4096
load spad=act, saddr=0, dram=4000, rows=10, cols=16, stride=16
end
