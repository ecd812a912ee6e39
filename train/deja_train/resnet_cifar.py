"""ResNet for CIFAR-10 as in He et al., "Deep Residual Learning for Image Recognition", CVPR 2016, §4.2.

6n+2 layers: a 3×3 conv with 16 filters, then three stages of n basic blocks on 32², 16², 8² maps with
16, 32, 64 filters (stride 2 at each stage's first block), global average pooling and a 10-way fully
connected layer. Shortcuts are identities, with "option A" where the shape changes: subsample by 2 and
zero-pad the new channels, so the network has no extra parameters (0.27 M for ResNet-20, n = 3).
"""
import torch.nn.functional as F
from torch import nn


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.pad = cout - cin
        self.stride = stride

    def shortcut(self, x):
        if self.stride == 1 and self.pad == 0:
            return x
        x = x[:, :, :: self.stride, :: self.stride]
        return F.pad(x, (0, 0, 0, 0, self.pad // 2, self.pad - self.pad // 2))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


class CifarResNet(nn.Module):
    def __init__(self, n: int = 3, classes: int = 10):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        blocks, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(n):
                blocks.append(BasicBlock(cin, cout, stride if i == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")  # §3.4: He et al. 2015 init

    def features(self, x):
        x = F.relu(self.bn(self.conv(x)))
        return F.adaptive_avg_pool2d(self.blocks(x), 1).flatten(1)

    def forward(self, x):
        return self.fc(self.features(x))


class LogitsAndFeatures(nn.Module):
    """What ships: (logits, penultimate features) of one view."""

    def __init__(self, net: CifarResNet):
        super().__init__()
        self.net = net

    def forward(self, x):
        f = self.net.features(x)
        return self.net.fc(f), f
