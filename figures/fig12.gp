# fig12.gp: Memory requirements in thousands of variables (trainable parameters; cf. Fig.
# 12), log scale: the paper's classifiers, this reproduction's networks hatched.
# Data: fig12.dat (experiments/compare.sh), columns label, value, ours (1) or paper (0).
set terminal pngcairo size 820,640 font "DejaVu Sans,10"
set output "fig12.png"
set datafile separator "\t"
set title "Memory: parameters (thousands of variables) per classifier (cf. Fig. 12)"
set xlabel "thousands of variables (log scale)"
stats "fig12.dat" using 2 nooutput
n = STATS_records
set yrange [n+0.6:0.4]  # $0 counts the header line: the bars are at 1..n
set key top right box opaque  # rows 1-2 (Linear, Pairwise) are short bars
set ytics nomirror font "DejaVu Sans,9"
set grid x
set style fill solid 0.8 border -1
set logscale x
set xrange [1:100000]
lo = 1
plot "fig12.dat" using (($3 == 0) ? $2 : 1/0):0:(lo):2:($0-0.38):($0+0.38):ytic(1) with boxxyerror fs solid 0.5 border -1 lc rgb "#8090b0" title "LeCun et al. 1998", \
     "fig12.dat" using (($3 == 1) ? $2 : 1/0):0:(lo):2:($0-0.38):($0+0.38) with boxxyerror fs pattern 2 border -1 lc rgb "#d03030" title "this reproduction (hatched)", \
     "fig12.dat" using 2:0:(sprintf(" %g", $2)) with labels left font "DejaVu Sans,8" notitle
