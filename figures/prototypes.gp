# prototypes.gp: the ten fixed 7x12 RBF codes (Fig. 3) above the mean F6 state of the
# correctly classified test digits of each class. Data: prototypes.dat (experiments/prototypes.sh).
# The mosaic marks its gaps "NaN" (gnuplot warns about NaN in a matrix): read with the gaps
# turned into -99, below the colour range, so they draw as the palette's lowest colour (white).
set terminal pngcairo size 900,360 font "DejaVu Sans,10"
set output "prototypes.png"
set title "RBF codes (top) and mean F6 state of correctly classified test digits (bottom)"
set palette defined (-1.75 "white", 0 "#909090", 1.75 "black")
set cbrange [-1.75:1.75]
set cblabel "state (code: -1 / +1)"
set yrange [27:-1]
set xrange [-1:89]
set size ratio -1
unset xtics
unset ytics
set border 0
set for [d=0:9] label sprintf("%d", d) at d*9+3, 28.5 center front
plot "< sed 's/NaN/-99/g' prototypes.dat 2>/dev/null" index 0 matrix with image notitle
