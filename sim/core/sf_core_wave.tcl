# sim/core/sf_core_wave.tcl: renders the sf_core.gtkw layout of an sf_sim FST to a PNG, headless (make wave-png):
#   SF_WAVE_PNG=out.png SF_WAVE_CYCLES=6000 xvfb-run -a -s "-screen 0 1600x1860x24" \
#     gtkwave --rcvar 'hide_sst on' --rcvar 'do_resize_signals off' \
#       -S sim/core/sf_core_wave.tcl build/wave/sf_core.fst sim/core/sf_core.gtkw
# (hide_sst: no hierarchy pane; do_resize_signals off: the names pane keeps the layout's width; make wave-png
# passes a copy of the layout with [size] 1600 1860 so that every signal fits on the screen.)
# Time window: from 40 cycles before o_run rises (the last IBUF writes, i_start) to SF_WAVE_CYCLES cycles after
# (default 6000: in the default model the first attention and add+norm instructions start near cycles 3200 and
# 3850); the marker sits on o_run's rise (cycle 0 of the forecast). One cycle is 2 time units in sf_sim's FST.
set png $env(SF_WAVE_PNG)
set cycles 6000
if {[info exists env(SF_WAVE_CYCLES)]} { set cycles $env(SF_WAVE_CYCLES) }
set t_run -1
foreach {t v} [gtkwave::signalChangeList TOP.sf_core.o_run -max 8] {
  if {$v eq "1"} { set t_run $t; break }
}
if {$t_run < 0} { puts "sf_core_wave.tcl: o_run never rises"; gtkwave::/File/Quit }
gtkwave::setZoomRangeTimes [expr {$t_run - 2 * 40}] [expr {$t_run + 2 * $cycles}]
gtkwave::setMarker $t_run
gtkwave::setWindowStartTime [expr {$t_run - 2 * 40}]
# let GTK draw the window before grabbing it
for {set i 0} {$i < 20} {incr i} { update; after 50 }
gtkwave::/File/Grab_To_File $png
puts "sf_core_wave.tcl: wrote $png (o_run rises at $t_run, [expr {$cycles}] cycles shown)"
gtkwave::/File/Quit
