# modern.gp: this reproduction's 1998 LeNet-5 (circles) and its modern variant (squares):
# test error (solid) and training error of the end-of-pass network (dashed) after each pass
# over the training set, log scale. Data: modern.dat (experiments/modern.sh), run in the
# directory that holds it.
set terminal pngcairo size 800,500 font "DejaVu Sans,10"
set output 'modern.png'
set title "This reproduction: LeNet-5 (1998) and the modern variant, error per pass"
set xlabel 'pass over the training set'
set ylabel 'error (%), log scale'
set logscale y
set grid ytics mytics xtics
set xtics 1
set key top right
plot 'modern.dat' index 0 using 1:4 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title '1998: test', \
     ''           index 0 using 1:3 with linespoints lw 1 pt 6 dt 2 lc rgb '#1f77b4' title '1998: training (end of pass)', \
     ''           index 1 using 1:4 with linespoints lw 2 pt 5 lc rgb '#d62728' title 'modern: test', \
     ''           index 1 using 1:3 with linespoints lw 1 pt 4 dt 2 lc rgb '#d62728' title 'modern: training (end of pass)'
