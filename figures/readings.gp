# readings.gp: the readings of Appendix C (experiments/readings.sh) against the paper's Figure
# 5: left the test error, right the training error measured on the fly (each pattern scored
# before its own update, as the paper's), per pass, log scale. Hollow black circles: the
# paper's digitised points; lines: the mean over the seeds of the three readings closest to
# the paper's test curve (the lowest rms_test among the readings that did not diverge,
# readings.tsv's rank 1..3) and of the default reading (Figure 5's runs; black, dashed) when it
# is not among them. Diverged readings are not drawn (readings.tsv names them).
# Data: readings.tsv (which readings, by column header) and readings.dat (the curves, by column
# header NAME_test, NAME_otf), run in the directory that holds them.
set datafile separator "\t"
set datafile columnheaders
# the readings drawn, in rank order, and each one's rms_test and seeds (readings.tsv)
sel = ""; rms = ""; nseeds = 0
stats 'readings.tsv' using ((strcol("rank") eq "1" || strcol("rank") eq "2" || strcol("rank") eq "3" || \
      (strcol("name") eq "default" && strcol("rank") ne "-")) ? \
      (sel = sel . " " . strcol("name"), rms = rms . " " . strcol("rms_test"), nseeds = column("seeds"), 0) : 0) nooutput
n = words(sel)
colors = "#1f4e9c #c0392b #27ae60 #8e44ad"
lcol(i) = word(sel, i) eq "default" ? "#000000" : word(colors, i)
ldt(i) = word(sel, i) eq "default" ? 2 : 1
what(i) = sprintf("%s (rms_test %.2f)", word(sel, i), word(rms, i) + 0)

set terminal pngcairo size 1200,560 font "DejaVu Sans,10" noenhanced
set output 'readings.png'
set multiplot layout 1,2 title sprintf("Appendix C readings against the paper's Figure 5: the 3 closest to its test curve and the default\n(lines: mean over %d seed(s); rms: root-mean-square distance to the paper's test curve, points; hollow circles: LeCun et al. 1998)", nseeds)
set logscale y
set grid xtics ytics mytics
set xlabel "Training set iterations (passes)"
set xrange [0:22]
set xtics 0,2,20
set key top right box opaque font ",9"
set title "test error"
set ylabel "test error (%), log scale"
# (the paper's points last: on top of the lines)
plot for [i=1:n] 'readings.dat' using "pass":(column(word(sel, i) . "_test")) with linespoints lw 2 pt 7 ps 0.6 dt ldt(i) lc rgb lcol(i) title what(i), \
     'readings.dat' using "pass":"paper_test" with points pt 6 ps 1.4 lw 1.5 lc rgb "#000000" title "paper (Fig. 5)"
set title "training error, on the fly"
set ylabel "on-the-fly training error (%), log scale"
plot for [i=1:n] 'readings.dat' using "pass":(column(word(sel, i) . "_otf")) with linespoints lw 2 pt 7 ps 0.6 dt ldt(i) lc rgb lcol(i) title word(sel, i), \
     'readings.dat' using "pass":"paper_train" with points pt 6 ps 1.4 lw 1.5 lc rgb "#000000" title "paper (Fig. 5)"
unset multiplot
set output
