# fig5.gp: Figure 5 (Sec. III-B): training and test error against the pass over the
# training set, this reproduction (filled points, solid lines: the mean over its seeds, the Eq.
# 9 MAP loss, with a shaded band of +-1 sd over the seeds; the Eq. 8 MSE loss's mean dashed
# grey) beside the paper's digitised points (hollow); the training error is measured on the
# fly, each pattern scored before its own update, as in the paper.
# Data: fig5.dat (experiments/fig5.sh), run in the directory that holds it.
set datafile separator "\t"
set xlabel "Training set iterations (passes)"
set ylabel "Error rate (%)"
set key top right box opaque
set grid
set xrange [0:22]  # room right of the paper's pass-21 points
set xtics 0,2,20
set yrange [0:6.5]
# a QUICK preview (2 passes: errors far above the paper's) takes the range its curves need
if (exists("quick")) { set yrange [0:*] }
set style line 1 lc rgb "#1f4e9c" lw 2 pt 7 ps 0.8
set style line 2 lc rgb "#c0392b" lw 2 dt 1 pt 5 ps 0.8
set style line 3 lc rgb "#1f4e9c" lw 1 pt 6 ps 1.4
set style line 4 lc rgb "#c0392b" lw 1 pt 4 ps 1.4
set style line 5 lc rgb "#7f8c8d" lw 1 dt 2 pt 7 ps 0.5
nseeds = system("sed -n 's/^# Figure 5 .*seeds 1[.][.]\\([0-9]*\\)[.]$/\\1/p' fig5.dat") + 0
set title "Figure 5: LeNet-5 on MNIST, error rate per training pass\n(filled/solid: this reproduction; hollow: LeCun et al. 1998)"
do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 800,560 font "DejaVu Sans,10"; set output "fig5.png" }
    if (fmt eq "svg") { set terminal svg size 800,560 font "DejaVu Sans,10"; set output "fig5.svg" }
    plot "fig5.dat" index 0 using 1:($2-$3):($2+$3) with filledcurves fs transparent solid 0.25 noborder lc rgb "#1f4e9c" notitle, \
         "" index 0 using 1:($4-$5):($4+$5) with filledcurves fs transparent solid 0.25 noborder lc rgb "#c0392b" notitle, \
         "" index 0 using 1:2 with linespoints ls 1 title sprintf("training error, on the fly (ours, Eq. 9; mean of %d seeds, band +-1 sd)", nseeds), \
         "" index 0 using 1:4 with linespoints ls 2 title "test error (ours, Eq. 9; mean, band +-1 sd)", \
         "" index 0 using 1:10 with linespoints ls 5 title "test error (ours, Eq. 8; mean)", \
         "" index 1 using 1:2 with points ls 3 title "training error (paper)", \
         "" index 1 using 1:3 with points ls 4 title "test error (paper)"
    set output
}
