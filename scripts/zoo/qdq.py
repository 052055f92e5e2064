"""Explicit QDQ export of the zoo's fake-quantized (QAT) ViTs.

ONNX opset 17 QuantizeLinear/DequantizeLinear only know int8/uint8, and torch 1.13's exporter
refuses fake-quant ranges other than [-128, 127] / [0, 255]. So the float graph is exported by
torch and every quantized Linear's MatMul is then rewritten here into the form documented in
FORM_DOC (and docs/ModelZoo.md), which represents 4-bit values exactly inside int8 tensors.
"""
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
import torch

import zoolib as Z

FORM_DOC = (
    'For each quantized Linear y = x W^T + b (MatMul node /<scope>/MatMul followed by Add): '
    'weight = DequantizeLinear(<scope>.weight_q : int8 initializer [in, out] (= W^T) with values in [-8, 7], '
    '<scope>.weight_scale : float32 scalar, <scope>.weight_zero_point : int8 scalar 0); '
    'activation = DequantizeLinear(Clip(QuantizeLinear(x, <scope>.act_scale : float32 scalar, '
    '<scope>.act_zero_point : int8 scalar 0), <scope>.act_qmin = {a_lo}, <scope>.act_qmax = {a_hi} : int8 scalars), '
    'same scale and zero point); the Clip is omitted for 8-bit activations (QuantizeLinear already '
    'saturates to [-128, 127]); MatMul(activation, weight) then Add(bias float32).')


def _scope(module_name):
    """torch 1.13's node scope for a module: 'blocks.0.attn.q' -> '/blocks.0/attn/q' (a
    container's numeric child index stays attached to the container's name)."""
    levels = []
    for part in module_name.split('.'):
        if part.isdigit() and levels:
            levels[-1] += '.' + part
        else:
            levels.append(part)
    return '/' + '/'.join(levels)


def insert_qdq(path, model):
    """Rewrite model.onnx at `path` in place: weight DQ and activation Q(-Clip)-DQ for every
    Z.QuantLinear of `model` (a torch module in eval mode with frozen activation scales)."""
    m = onnx.load(path)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    by_name = {n.name: n for n in g.node}
    new_nodes = {}  # MatMul node name -> list of nodes to insert before it
    drop_inits = set()
    for mod_name, mod in model.named_modules():
        if not isinstance(mod, Z.QuantLinear):
            continue
        sc = _scope(mod_name)
        mm = by_name.get(sc + '/MatMul')
        if mm is None or mm.input[1] not in inits:
            raise RuntimeError(f'{path}: no MatMul with a constant weight for {mod_name}')
        w = mod.weight.detach()
        b_old = numpy_helper.to_array(inits[mm.input[1]])
        if not np.array_equal(b_old, w.t().numpy()):
            raise RuntimeError(f'{path}: initializer {mm.input[1]} is not {mod_name}.weight^T')
        drop_inits.add(mm.input[1])
        wb, ab = mod.w_bits, mod.a_bits
        w_scale = Z.weight_scale(w, wb)                      # float32 scalar tensor
        w_q = torch.clamp(torch.round(w / w_scale), -(2 ** (wb - 1)), 2 ** (wb - 1) - 1)
        a_scale = mod.act_scale().detach()
        p = mod_name
        g.initializer.extend([
            numpy_helper.from_array(w_q.t().numpy().astype(np.int8), p + '.weight_q'),
            numpy_helper.from_array(np.array(w_scale.item(), dtype=np.float32), p + '.weight_scale'),
            numpy_helper.from_array(np.array(0, dtype=np.int8), p + '.weight_zero_point'),
            numpy_helper.from_array(np.array(a_scale.item(), dtype=np.float32), p + '.act_scale'),
            numpy_helper.from_array(np.array(0, dtype=np.int8), p + '.act_zero_point'),
        ])
        # The float32 round trip must be exact (the ONNX scalar is what torch used).
        assert np.float32(w_scale.item()) == w_scale.numpy() and np.float32(a_scale.item()) == a_scale.numpy()
        x_in = mm.input[0]
        nodes = [helper.make_node('QuantizeLinear', [x_in, p + '.act_scale', p + '.act_zero_point'],
                                  [sc + '/act_QuantizeLinear_output_0'], name=sc + '/act_QuantizeLinear')]
        q_out = sc + '/act_QuantizeLinear_output_0'
        if ab < 8:
            g.initializer.extend([
                numpy_helper.from_array(np.array(-(2 ** (ab - 1)), dtype=np.int8), p + '.act_qmin'),
                numpy_helper.from_array(np.array(2 ** (ab - 1) - 1, dtype=np.int8), p + '.act_qmax')])
            nodes.append(helper.make_node('Clip', [q_out, p + '.act_qmin', p + '.act_qmax'],
                                          [sc + '/act_Clip_output_0'], name=sc + '/act_Clip'))
            q_out = sc + '/act_Clip_output_0'
        nodes += [
            helper.make_node('DequantizeLinear', [q_out, p + '.act_scale', p + '.act_zero_point'],
                             [sc + '/act_DequantizeLinear_output_0'], name=sc + '/act_DequantizeLinear'),
            helper.make_node('DequantizeLinear', [p + '.weight_q', p + '.weight_scale', p + '.weight_zero_point'],
                             [sc + '/weight_DequantizeLinear_output_0'], name=sc + '/weight_DequantizeLinear'),
        ]
        mm.input[0] = sc + '/act_DequantizeLinear_output_0'
        mm.input[1] = sc + '/weight_DequantizeLinear_output_0'
        new_nodes[mm.name] = nodes
    order = []
    for n in g.node:
        order.extend(new_nodes.get(n.name, []))
        order.append(n)
    del g.node[:]
    g.node.extend(order)
    keep = [i for i in g.initializer if i.name not in drop_inits]
    del g.initializer[:]
    g.initializer.extend(keep)
    onnx.checker.check_model(m)
    onnx.save(m, path)
