# fig9.gp: Test error (%) on MNIST (cf. Fig. 9): the paper's classifiers, this reproduction's networks highlighted.
# Data: fig9.dat (experiments/compare.sh), columns label, value, ours (1) or paper (0).
set terminal pngcairo size 820,640 font "DejaVu Sans,10"
set output "fig9.png"
set datafile separator "\t"
set title "Test error (%) on MNIST (cf. Fig. 9)"
set xlabel "test error (%)"
stats "fig9.dat" using 2 nooutput
n = STATS_records
set yrange [n+0.6:0.4]  # $0 counts the header line: the bars are at 1..n
set key bottom right
set ytics nomirror font "DejaVu Sans,9"
set grid x
set style fill solid 0.8 border -1
set xrange [0:*]
lo = 0
plot "fig9.dat" using (($3 == 0) ? $2 : 1/0):0:(lo):2:($0-0.38):($0+0.38):ytic(1) with boxxyerror lc rgb "#8090b0" notitle, \
     "fig9.dat" using (($3 == 1) ? $2 : 1/0):0:(lo):2:($0-0.38):($0+0.38) with boxxyerror lc rgb "#d03030" title "this reproduction", \
     "fig9.dat" using 2:0:(sprintf(" %g", $2)) with labels left font "DejaVu Sans,8" notitle
