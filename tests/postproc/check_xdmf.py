#!/usr/bin/python3
"""check_xdmf.py: opens the sidecar with ParaView's own Python (python3-paraview) through the
Xdmf3 reader and compares what ParaView sees with the HDF5 file.

usage: check_xdmf.py SAMPLE_WRITER
Checks: number of time steps and their values; number of points and cells; point coordinates;
every node field (point data) and link field (cell data) at every step equal to the HDF5 row;
the static cell fields. Exit 0 pass, 1 fail, 77 skip only when paraview is not installed.
"""
import os
import subprocess
import sys
import tempfile

try:
    from paraview import simple as pv
    from paraview import servermanager as sm
    from vtk.numpy_interface import dataset_adapter as dsa
except ImportError:
    print("SKIP: ParaView's Python (Debian python3-paraview) is not installed")
    sys.exit(77)
import h5py
import numpy as np

T = 3
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "sample.h5")
        subprocess.run([sys.argv[1], out, str(T)], check=True)
        xmf = os.path.abspath(os.path.join(tmp, "sample.xmf"))  # Xdmf3 needs a directory part
        with h5py.File(out, "r") as f:
            times = f["/results/time"][()]
            xyz = f["/network/nodes/xyz"][()]
            nodes = {k: f["/results/nodes"][k][()] for k in f["/results/nodes"]}
            links = {k: f["/results/links"][k][()] for k in f["/results/links"]}
            statics = {k: f["/network/links"][k][()] for k in ("length", "diameter")}
        r = pv.Xdmf3ReaderS(FileName=[xmf])
        r.UpdatePipelineInformation()
        steps = list(r.TimestepValues)
        check(len(steps) == T, f"{len(steps)} time steps, expected {T}")
        check(np.allclose(steps, times, rtol=0, atol=0), f"times {steps} != {times}")
        r.UpdatePipeline(steps[0] if steps else 0.0)
        check(sorted(r.PointData.keys()) == sorted(nodes), f"point arrays {r.PointData.keys()}")
        check(sorted(r.CellData.keys()) == sorted(list(links) + list(statics)),
              f"cell arrays {r.CellData.keys()}")
        for k, t in enumerate(steps):
            r.UpdatePipeline(t)
            d = dsa.WrapDataObject(sm.Fetch(r))
            check(d.GetNumberOfPoints() == xyz.shape[0], f"step {k}: {d.GetNumberOfPoints()} points")
            check(d.GetNumberOfCells() == 4, f"step {k}: {d.GetNumberOfCells()} cells")
            check(np.array_equal(np.asarray(d.Points), xyz), f"step {k}: point coordinates")
            for name, v in nodes.items():
                a = d.PointData[name]
                check(a is not None and np.array_equal(np.asarray(a), v[k], equal_nan=True),
                      f"step {k}: point array {name}")
            for name, v in links.items():
                a = d.CellData[name]
                check(a is not None and np.array_equal(np.asarray(a), v[k], equal_nan=True),
                      f"step {k}: cell array {name}")
            for name, v in statics.items():
                check(np.array_equal(np.asarray(d.CellData[name]), v, equal_nan=True),
                      f"step {k}: static cell array {name}")
            if k == 0:  # the polylines join the right nodes
                ug = sm.Fetch(r)
                ids = ug.GetCell(3).GetPointIds()
                check((ids.GetId(0), ids.GetId(1)) == (3, 4), "cell 3 (V1) is not C -> D")
    print("FAILED" if failures else "ok", f"({len(failures)} failures)")
    return 1 if failures else 0


sys.exit(main())
