# fig8.gp: every misclassified test digit of a network, labelled true->predicted (cf. Fig. 8).
# Data: fig8.dat (experiments/fig8.sh: the distortion-trained network, the one of the paper's
# figure) or, with name = "fig8u" set before it runs, fig8u.dat (the undistorted network).
# The mosaic marks its gaps "NaN" (gnuplot warns about NaN in a matrix): read with the gaps
# turned into -99, below the colour range, so they draw as the palette's lowest colour (white).
if (!exists("name")) name = "fig8"
dat = name . ".dat"
what = system("sed -n 's/^# network: //p' " . dat)
stats dat index 1 using 1 nooutput
n = STATS_records
rows = ceil(n / 14.0)
set terminal pngcairo size 900, 120 + rows * 62 font "DejaVu Sans,9"
set output name . ".png"
set title sprintf("The %d test digits %s misclassifies, true->predicted\n(the paper's Figure 8: 82, the distortion-trained LeNet-5)", n, what) font "DejaVu Sans,11"
set palette defined (0 "white", 1 "black")
set cbrange [0:1]
unset colorbox
set xrange [-4:14*36-4]
set yrange [rows*36+2:-4]
set size ratio -1
unset xtics
unset ytics
set border 0
set lmargin 1
set rmargin 1
plot "< sed 's/NaN/-99/g' " . dat . " 2>/dev/null" index 0 matrix with image notitle, \
     dat index 1 using 1:($2+1):3 with labels font "DejaVu Sans,8" notitle
