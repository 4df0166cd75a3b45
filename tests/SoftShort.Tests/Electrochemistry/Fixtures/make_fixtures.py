#!/usr/bin/python3
"""Writes the cycler/EIS import fixtures by hand-following each vendor's documented export layout.
Independent of SoftShort's own writers (stdlib only: python3 make_fixtures.py in this folder).

Truth of every cycler fixture: 5 rows, time 0,30,60,90,120 s; voltage 3.70,3.71,3.72,3.73,3.74 V;
current 63.0 uA; capacity = I*t (mAh); cycle 1; step 1.
"""
import cmath, math

T = [0, 30, 60, 90, 120]
V = [3.70, 3.71, 3.72, 3.73, 3.74]
I_mA = 0.063
Q = [I_mA * t / 3600 for t in T]

def write(name, text, encoding="utf-8", bom=False, crlf=False):
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    open(name, "wb").write(data)

def ec_lab(comma, degree_latin1):
    cols = ["mode", "ox/red", "error", "control changes", "Ns changes", "counter inc.", "Ns", "time/s",
            "control/mA", "Ewe/V", "<I>/mA", "dq/mA.h", "(Q-Qo)/mA.h", "Temperature/\u00b0C", "cycle number"]
    head = ["EC-Lab ASCII FILE", None, "", "Galvanostatic Cycling with Potential Limitation", "",
            "Run on channel : 3 (SN 1234)", "Electrode material : NMC811", "Mass of active material : 6.275 mg",
            " at x = 0.000", "Ns                  0", "ctrl_type           CC", "Is                  63.000", "unit Is             uA",
            "EM (V)              4.300", "tM (h:m:s)          20:0:0.0000", "Record every dt (s) 30.0000", ""]
    head[1] = "Nb header lines : %d" % (len(head) + 1)
    out = "\n".join(head) + "\n" + "\t".join(cols) + "\t\n"
    f = (lambda x, d: ("%.*f" % (d, x)).replace(".", ",")) if comma else (lambda x, d: "%.*f" % (d, x))
    for k in range(5):
        row = ["1", "1", "0", "0", "0", "0", "0", f(T[k], 6), f(I_mA, 7), f(V[k], 7), f(I_mA, 7),
               f(I_mA * 30 / 3600 if k else 0, 9), f(Q[k], 9), f(25.0, 3), f(1, 6)]
        out += "\t".join(row) + "\t\n"
    return out

# 1. EC-Lab export from a European-locale PC: decimal commas, UTF-8 BOM, CRLF, blank trailing lines.
write("biologic_gcpl_comma_bom.mpt", ec_lab(True, False) + "\n\n\n", bom=True, crlf=True)
# 2. EC-Lab export, decimal point, Windows-1252 text (the degree sign of the temperature column).
write("biologic_gcpl_point_cp1252.mpt", ec_lab(False, True), encoding="cp1252")

# 3. Arbin MITS Pro CSV (Channel sheet export).
arbin = "Data_Point,Test_Time(s),Date_Time,Step_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),Charge_Capacity(Ah),Discharge_Capacity(Ah),Charge_Energy(Wh),Discharge_Energy(Wh),dV/dt(V/s),Internal_Resistance(Ohm),Is_FC_Data,AC_Impedance(Ohm),ACI_Phase_Angle(Deg)\n"
for k in range(5):
    arbin += "%d,%.4f,05/02/2023 10:%02d:%02d,%.4f,1,1,%.8f,%.6f,%.10f,0,%.10f,0,0,0,0,0,0\n" % (
        k + 1, T[k], T[k] // 60, T[k] % 60, T[k], I_mA / 1000, V[k], Q[k] / 1000, Q[k] / 1000 * V[k])
write("arbin_mitspro.csv", arbin)

# 4. Neware BTS record sheet CSV (Total Time as h:mm:ss, current in mA) with a BOM.
neware = "DataPoint,Cycle Index,Step Index,Step Type,Time,Total Time,Current(mA),Voltage(V),Capacity(mAh),Spec. Cap.(mAh/g),Chg. Cap.(mAh),DChg. Cap.(mAh),Energy(Wh),Date\n"
for k in range(5):
    tt = "%d:%02d:%02d" % (T[k] // 3600, (T[k] // 60) % 60, T[k] % 60)
    neware += "%d,1,1,CC Chg,%s,%s,%.4f,%.4f,%.6f,%.4f,%.6f,0,%.8f,2023-02-05 10:%02d:%02d\n" % (
        k + 1, tt, tt, I_mA, V[k], Q[k], Q[k] / 0.006275, Q[k], Q[k] * V[k] / 1000, T[k] // 60, T[k] % 60)
write("neware_bts.csv", neware, bom=True)

# 5. Generic CSV with the user's own names (needs --map), ';' separator and decimal commas.
gen = "t_min;U_cell;I_uA;note\n"
for k in range(5):
    gen += ("%.3f;%.4f;%.1f;ok\n" % (T[k] / 60, V[k], I_mA * 1000)).replace(".", ",")
write("generic_semicolon.csv", gen)

# Bad inputs.
write("bad_unknown.csv", "a,b,c\n1,2,3\n")
write("bad_time_backwards.csv", "time_s,voltage_V,current_A\n0,3.7,6.3e-5\n30,3.71,6.3e-5\n20,3.72,6.3e-5\n")
write("bad_nan_row.csv", "time_s,voltage_V,current_A\n0,3.7,6.3e-5\n30,NaN,6.3e-5\n60,3.72,6.3e-5\n")
write("bad_truncated.mpt", "EC-Lab ASCII FILE\nNb header lines : 60\n\nGalvanostatic Cycling with Potential Limitation\n")

# EIS: BioLogic PEIS export (-Im(Z)) of R0-p(R1,C1) with R0 = 10, R1 = 100, C1 = 1e-5, computed with cmath.
def z_rc(f):
    w = 2 * math.pi * f
    return 10 + 1 / (1 / 100 + 1j * w * 1e-5)
freqs = [10 ** (5 - k * 0.5) for k in range(15)]
cols = ["freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm", "|Z|/Ohm", "Phase(Z)/deg", "time/s", "<Ewe>/V", "<I>/mA", "Cs/\u00b5F", "Cp/\u00b5F", "cycle number"]
head = ["EC-Lab ASCII FILE", None, "", "Potentio Electrochemical Impedance Spectroscopy", "", "Run on channel : 1 (SN 1234)", "fi                  100.000", "unit fi             kHz", "ff                  1.000", "unit ff             Hz", "Va (mV)             10.0", ""]
head[1] = "Nb header lines : %d" % (len(head) + 1)
peis = "\n".join(head) + "\n" + "\t".join(cols) + "\t\n"
for k, f in enumerate(freqs):
    z = z_rc(f)
    peis += "\t".join(("%.7E" % x).replace(".", ",") for x in [f, z.real, -z.imag, abs(z)]) + "\t" + \
            "\t".join(("%.6f" % x).replace(".", ",") for x in [math.degrees(cmath.phase(z)), 2.0 * k, 3.7, 0.0, 0.0, 0.0, 1.0]) + "\t\n"
write("biologic_peis_comma.mpt", peis, encoding="cp1252")
gen_eis = "freq_Hz,z_real_ohm,z_imag_ohm\n" + "".join("%.10g,%.10g,%.10g\n" % (f, z_rc(f).real, z_rc(f).imag) for f in freqs)
write("eis_generic_rc.csv", gen_eis)

# Impedance of nested circuits from the closed forms (impedance.py conventions), for the parser/evaluator test.
def cpe(w, q, a): return 1 / (q * (1j * w) ** a)
def war(w, a): return a * (1 - 1j) / math.sqrt(w)
def wo(w, z0, tau):
    x = cmath.sqrt(1j * w * tau); return z0 / (x * cmath.tanh(x))
def ws(w, z0, tau):
    x = cmath.sqrt(1j * w * tau); return z0 * cmath.tanh(x) / x
def par(*zs): return 1 / sum(1 / z for z in zs)
circuits = {
    "R0-p(R1,CPE1)-p(R2,Wo1)-W1-L1": (lambda w: 12.5 + par(150, cpe(w, 2e-7, 0.88)) + par(600, wo(w, 300, 2.5)) + war(w, 80) + 1j * w * 3e-7),
    "p(R0-C1,Ws1)-p(C2,R1-CPE2)": (lambda w: par(40 + 1 / (1j * w * 5e-6), ws(w, 250, 0.8)) + par(1 / (1j * w * 1e-9), 75 + cpe(w, 3e-5, 0.7))),
}
out = "circuit,freq_Hz,z_real_ohm,z_imag_ohm\n"
for name, fz in circuits.items():
    for k in range(0, 81, 4):
        f = 1e6 * 10 ** (-k / 10)
        z = fz(2 * math.pi * f)
        out += '"%s",%.17g,%.17g,%.17g\n' % (name, f, z.real, z.imag)
write("circuit_reference.csv", out)
