# fig4.gp: test digits as the network receives them, the 32x32 coded input (cf. Fig. 4).
# Data: fig4.dat (experiments/fig4.sh).
# The mosaic marks its gaps "NaN" (gnuplot warns about NaN in a matrix): read with the gaps
# turned into -99, below the colour range, so they draw as the palette's lowest colour (white).
set terminal pngcairo size 1000,560 font "DejaVu Sans,10"
set output "fig4.png"
set title "MNIST test digits as the network receives them: 32x32, background -0.1, ink 1.175"
set palette defined (-0.2 "white", -0.1001 "white", -0.1 "#e4e4e4", 1.175 "black")  # the 32x32 field shows as light grey, the gaps white
set cbrange [-0.2:1.175]
unset colorbox
set yrange [] reverse
set size ratio -1
unset xtics
unset ytics
set border 0
plot "< sed 's/NaN/-99/g' fig4.dat 2>/dev/null" index 0 matrix with image notitle
