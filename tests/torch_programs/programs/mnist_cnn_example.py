# pytorch/examples mnist/main.py, shortened: the same Net (dropout rates set to 0 so that
# neither engine draws random masks), Adadelta with StepLR, DataLoader, nll_loss.
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
from _common import init_from_numpy, mnist
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1)
        self.conv2 = nn.Conv2d(8, 16, 3, 1)
        self.dropout1 = nn.Dropout(0.0)
        self.dropout2 = nn.Dropout(0.0)
        self.fc1 = nn.Linear(2304, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(model, device, train_loader, optimizer):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
    return loss.item()


def main():
    parser = argparse.ArgumentParser(description="PyTorch MNIST Example")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=1.0)
    parser.add_argument("--gamma", type=float, default=0.7)
    args = parser.parse_args()
    use_accel = torch.cuda.is_available()
    device = torch.device("cuda" if use_accel else "cpu")

    images, labels = mnist(256)
    images = (images - 0.1307) / 0.3081
    dataset = TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))
    train_loader = DataLoader(dataset, batch_size=64, shuffle=False)

    model = Net().to(device)
    init_from_numpy(torch, model, scale=0.1)
    optimizer = torch.optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    for epoch in range(1, args.epochs + 1):
        loss = train(model, device, train_loader, optimizer)
        scheduler.step()
    model.eval()
    with torch.no_grad():
        test_loss = F.nll_loss(model(dataset.tensors[0]), dataset.tensors[1], reduction="sum")
    print(f"final loss: {loss + test_loss.item() / len(dataset)}")


if __name__ == "__main__":
    main()
