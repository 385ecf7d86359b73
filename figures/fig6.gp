# fig6.gp: Figure 6 (Sec. III-C), error after the last pass vs training-set size, ours
# (filled) beside the paper's (hollow). Run in the directory that holds fig6.dat
# (written by experiments/fig6.sh). Both axes are logarithmic so the
# QUICK sizes (1,500..5,000, 2 passes) and the paper's (15,000..60,000) share one plot; an
# error of 0 is drawn at the floor, 0.01%. The distorted runs are drawn 7% to the right of
# their size so they do not hide the undistorted point.
set terminal pngcairo size 800,560 font "DejaVu Sans,10"
set output 'fig6.png'
set title "Figure 6: LeNet-5 error vs training-set size\n(filled: ours, hollow: LeCun et al. 1998)"
set xlabel "training-set size (thousands of original patterns)"
set ylabel "error rate (%)"
set logscale xy
set xrange [1:100]
set yrange [0.01:20]
set xtics ("1.5" 1.5, "3" 3, "5" 5, "15" 15, "30" 30, "60" 60) nomirror
set ytics ("0.01" 0.01, "0.02" 0.02, "0.05" 0.05, "0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2, "5" 5, "10" 10, "20" 20)
set grid ytics lc rgb "#dddddd"
set key inside right top box opaque font ",9" spacing 1.1
ymin(y) = y > 0.01 ? y : 0.01
blue = "#1f77b4"; red = "#d62728"; green = "#2ca02c"
plot 'fig6.dat' index 0 using 1:(ymin($3)) with linespoints lc rgb blue pt 7 ps 1.3 lw 1.5 title "test (ours)", \
     ''                 index 0 using 1:(ymin($2)) with linespoints lc rgb red pt 5 ps 1.2 lw 1.5 title "training (ours)", \
     ''                 index 1 using ($1*1.07):(ymin($3)) with points lc rgb green pt 9 ps 1.8 title "test, originals + 9 distorted copies each (ours)", \
     ''                 index 1 using ($1*1.07):(ymin($2)) with points lc rgb green pt 11 ps 1.8 title "training (originals), distorted run (ours)", \
     ''                 index 2 using 1:3 with linespoints dt 2 lc rgb blue pt 6 ps 1.6 title "test (paper)", \
     ''                 index 2 using 1:2 with linespoints dt 2 lc rgb red pt 4 ps 1.5 title "training (paper)", \
     ''                 index 3 using ($1*1.07):3 with points lc rgb green pt 8 ps 2.0 title "test, 60k + 540k distorted (paper)"
set terminal svg size 800,560 font "DejaVu Sans,10"
set output 'fig6.svg'
replot
