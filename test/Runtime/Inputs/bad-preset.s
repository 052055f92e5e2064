// A preset file with zero DRAM bandwidth must be refused, naming the field.
.dram 4096
.target bad-preset.json
end
